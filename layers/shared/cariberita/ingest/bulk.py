"""Bulk writes with every item inspected, 429/5xx items retried within the time left.

``opensearchpy.helpers.streaming_bulk`` cuts byte-bounded chunks and yields one result per
action, in order; we pair each result with the action it answers (a FIFO), classify it, and
set retryable ones aside. Those are re-sent after a jittered exponential backoff for as long
as the invocation has time; then OutOfTime propagates and SQS redelivers the message.
"""

from __future__ import annotations

import random
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any, Literal

from opensearchpy import OpenSearch
from opensearchpy.helpers import streaming_bulk

from cariberita.ingest.deadline import Deadline, OutOfTime

Result = Literal["created", "updated", "deleted", "not_found", "conflict", "error"]
RETRY_STATUSES = frozenset((429, 500, 502, 503, 504))
BACKOFF_BASE_MS = 200
BACKOFF_CAP_MS = 10_000
# Without a Lambda deadline (the CLI, local runs) give up after this many rounds.
MAX_ROUNDS_WITHOUT_DEADLINE = 8


@dataclass(frozen=True)
class Outcome:
    """What happened to one action; ``meta`` is whatever the caller attached to it."""

    result: Result
    meta: Any
    reason: str | None = None


def _retryable(status: Any) -> bool:
    # A status that is not a number ("N/A") means the request itself failed (connection, timeout).
    return not isinstance(status, int) or status in RETRY_STATUSES


def _classify(op: str, item: dict[str, Any], meta: Any) -> Outcome:
    status = item.get("status")
    if op == "delete":
        if status == 404:
            return Outcome("not_found", meta)  # already gone: a delete is idempotent
        if isinstance(status, int) and 200 <= status < 300:
            return Outcome("deleted", meta)
    elif isinstance(status, int) and 200 <= status < 300:
        return Outcome("created" if item.get("result") == "created" else "updated", meta)
    if status == 409:
        return Outcome("conflict", meta)
    error = item.get("error")
    if isinstance(error, dict):
        reason = f"{error.get('type', 'error')}: {error.get('reason', '')}".strip()
    else:
        reason = str(error or f"status {status}")
    return Outcome("error", meta, reason[:500])


class BulkWriter:
    """Send actions (``(action dict, meta)`` pairs) in byte-bounded chunks; yield Outcomes."""

    def __init__(
        self,
        client: OpenSearch,
        deadline: Deadline,
        max_chunk_bytes: int = 5_000_000,
        max_chunk_actions: int = 1_000,
        rng: random.Random | None = None,
        request_timeout_s: float = 60.0,
        index: str | None = None,
    ) -> None:
        self.client = client
        self.deadline = deadline
        self.max_chunk_bytes = max_chunk_bytes
        self.max_chunk_actions = max_chunk_actions
        self.request_timeout_s = request_timeout_s
        # POST /<index>/_bulk rather than /_bulk: least-privilege policies grant index paths only.
        self.index = index
        self.retried = 0
        self._rng = rng or random.Random()  # noqa: S311 - jitter, not cryptography

    def write(self, items: Iterable[tuple[dict[str, Any], Any]]) -> Iterator[Outcome]:
        """Outcomes in input order for final results; retried items come once settled.

        Raises OutOfTime when the invocation runs out of time before everything is settled.
        """
        retry: list[tuple[dict[str, Any], Any]] = []
        for action, meta, op, item in self._send(items):
            if _retryable(item.get("status")):
                retry.append((action, meta))
                if len(retry) >= self.max_chunk_actions:
                    yield from self._retry(retry)
                    retry = []
            else:
                yield _classify(op, item, meta)
        if retry:
            yield from self._retry(retry)

    def _send(
        self, items: Iterable[tuple[dict[str, Any], Any]]
    ) -> Iterator[tuple[dict[str, Any], Any, str, dict[str, Any]]]:
        pending: deque[tuple[dict[str, Any], Any]] = deque()

        def feed() -> Iterator[dict[str, Any]]:
            for action, meta in items:
                self.deadline.check("send more articles")
                pending.append((action, meta))
                yield action

        for _ok, info in streaming_bulk(
            self.client,
            feed(),
            chunk_size=self.max_chunk_actions,
            max_chunk_bytes=self.max_chunk_bytes,
            raise_on_error=False,
            raise_on_exception=False,
            max_retries=0,  # we retry 5xx too, and within the Lambda's remaining time
            yield_ok=True,
            request_timeout=self.request_timeout_s,
            **({"index": self.index} if self.index else {}),
        ):
            action, meta = pending.popleft()
            op, item = next(iter(info.items()))
            yield action, meta, op, item

    def _retry(self, batch: list[tuple[dict[str, Any], Any]]) -> Iterator[Outcome]:
        attempt = 0
        while batch:
            attempt += 1
            if attempt > MAX_ROUNDS_WITHOUT_DEADLINE and self.deadline.remaining_ms() == float(
                "inf"
            ):
                raise OutOfTime(f"{len(batch)} items still rejected after {attempt - 1} retries")
            ceiling = min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2**attempt)
            self.deadline.sleep(self._rng.uniform(ceiling / 2, ceiling), "retry rejected items")
            self.retried += len(batch)
            again: list[tuple[dict[str, Any], Any]] = []
            for action, meta, op, item in self._send(batch):
                if _retryable(item.get("status")):
                    again.append((action, meta))
                else:
                    yield _classify(op, item, meta)
            batch = again


__all__ = ["BulkWriter", "OutOfTime", "Outcome"]
