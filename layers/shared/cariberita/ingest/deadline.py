"""The time left in this invocation, so that work stops before Lambda kills it mid-request."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

# What a request must leave of the invocation: time to give up, log and return the batch's
# failures, so that SQS redelivers the message instead of Lambda killing the invocation.
REQUEST_RESERVE_MS = 1_000
# What work under the bucket's ingest lease (``kept_by``) leaves beyond that for releasing it:
# two small requests (read, compare-and-set). Without it a bulk request could run to the last
# second, the release would find no time left, and the bucket's next messages would wait out
# the lease's expiry (INGEST_LEASE_TTL_S) for nothing.
RELEASE_RESERVE_MS = 2_000
MIN_REQUEST_S = 0.1


class OutOfTime(Exception):
    """Not enough time left: the message is not acknowledged, so SQS delivers it again.

    Document ids are deterministic and versions external, so the redelivery is safe.
    """


class Deadline:
    """Wraps ``context.get_remaining_time_in_millis``; without a context there is no limit.

    ``margin_ms``: no new work (a bulk request, a backoff sleep) starts with less time left.
    ``keep``: called before each check and each request's timeout, so work that holds the
    bucket's ingest lease renews it as it goes (``ingest/lease.py``); it may raise to stop.
    ``reserve_ms``: what each request's timeout leaves of the invocation.
    """

    def __init__(
        self,
        context: Any | None = None,
        margin_ms: int = 15_000,
        keep: Callable[[], None] | None = None,
        reserve_ms: int = REQUEST_RESERVE_MS,
    ) -> None:
        self._context = context
        self._margin_ms = margin_ms
        self._keep = keep
        self._reserve_ms = reserve_ms

    @property
    def request_id(self) -> str | None:
        """The Lambda request id (None without a context)."""
        value = getattr(self._context, "aws_request_id", None)
        return value if isinstance(value, str) else None

    def kept_by(self, keep: Callable[[], None]) -> Deadline:
        """The same deadline, calling ``keep`` before each check and each request, whose
        requests also leave ``RELEASE_RESERVE_MS`` for releasing what ``keep`` keeps."""
        return Deadline(self._context, self._margin_ms, keep, self._reserve_ms + RELEASE_RESERVE_MS)

    def remaining_ms(self) -> float:
        if self._context is None:
            return float("inf")
        return float(self._context.get_remaining_time_in_millis())

    def allows(self, extra_ms: float = 0) -> bool:
        return self.remaining_ms() - extra_ms > self._margin_ms

    def check(self, what: str = "continue") -> None:
        if self._keep is not None:
            self._keep()
        if not self.allows():
            raise OutOfTime(
                f"less than {self._margin_ms} ms left to {what}; leaving it for a retry"
            )

    def sleep(self, ms: float, what: str = "retry") -> None:
        """Sleep ``ms`` unless that would run past the margin (then raise OutOfTime)."""
        if not self.allows(ms):
            raise OutOfTime(f"no time left to {what}")
        time.sleep(ms / 1000)

    def request_timeout_s(self, cap_s: float, what: str = "send a request") -> float:
        """The timeout of a request sent now: ``cap_s``, cut to end before the invocation does.

        Raises OutOfTime when not even ``MIN_REQUEST_S`` is left.
        """
        if self._keep is not None:
            self._keep()
        budget_s = (self.remaining_ms() - self._reserve_ms) / 1000
        if budget_s < MIN_REQUEST_S:
            raise OutOfTime(f"no time left to {what}")
        return min(cap_s, budget_s)
