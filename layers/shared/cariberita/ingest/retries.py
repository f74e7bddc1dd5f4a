"""Every write settled: items the index could not take now are re-sent within the time left.

Retryable items (429, 5xx, a lost connection) are set aside and re-sent after an exponential
backoff with full jitter (round ``n`` sleeps a uniform draw in ``[0, min(cap, base * 2**n)]``)
for as long as the invocation has time; then OutOfTime propagates and SQS redelivers the
message (ids are deterministic and versions external, so that is safe). The writer's client
retries nothing itself: this module is the only place that retries a write.
"""

from __future__ import annotations

import random
from collections import deque
from collections.abc import Iterable, Iterator
from typing import TypeVar

from cariberita.ingest.deadline import Deadline, OutOfTime
from cariberita.ingest.writer import IndexWriter, ItemOutcome, Operation

M = TypeVar("M")
BACKOFF_BASE_MS = 200
BACKOFF_CAP_MS = 10_000
# Without a Lambda deadline (the CLI, local runs) give up after this many rounds.
MAX_ROUNDS_WITHOUT_DEADLINE = 8


def backoff_ms(attempt: int, rng: random.Random) -> float:
    """Full jitter: a uniform draw up to the capped exponential ceiling of round ``attempt``."""
    return rng.uniform(0, min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2**attempt))


class RetryingWriter:
    """Send ``(operation, meta)`` pairs through ``writer``; yield final outcomes with their meta."""

    def __init__(
        self, writer: IndexWriter, deadline: Deadline, rng: random.Random | None = None
    ) -> None:
        self.writer = writer
        self.deadline = deadline
        self.retried = 0
        self._rng = rng or random.Random()  # noqa: S311 - jitter, not cryptography

    def write(self, items: Iterable[tuple[Operation, M]]) -> Iterator[tuple[ItemOutcome, M]]:
        """Final outcomes (never ``retryable``): in input order, retried items once settled.

        Raises OutOfTime when the invocation runs out of time before everything is settled.
        """
        retry: list[tuple[Operation, M]] = []
        for operation, meta, outcome in self._send(items):
            if outcome.result != "retryable":
                yield outcome, meta
                continue
            retry.append((operation, meta))
            if len(retry) >= self.writer.chunk_size:
                yield from self._retry(retry)
                retry = []
        if retry:
            yield from self._retry(retry)

    def _send(
        self, items: Iterable[tuple[Operation, M]]
    ) -> Iterator[tuple[Operation, M, ItemOutcome]]:
        pending: deque[tuple[Operation, M]] = deque()

        def feed() -> Iterator[Operation]:
            for operation, meta in items:
                self.deadline.check("send more articles")
                pending.append((operation, meta))
                yield operation

        for outcome in self.writer.write(feed(), self.deadline):
            operation, meta = pending.popleft()
            yield operation, meta, outcome

    def _retry(self, batch: list[tuple[Operation, M]]) -> Iterator[tuple[ItemOutcome, M]]:
        attempt = 0
        while batch:
            attempt += 1
            unlimited = self.deadline.remaining_ms() == float("inf")
            if attempt > MAX_ROUNDS_WITHOUT_DEADLINE and unlimited:
                raise OutOfTime(f"{len(batch)} items still refused after {attempt - 1} retries")
            self.deadline.sleep(backoff_ms(attempt, self._rng), "retry refused items")
            self.retried += len(batch)
            again: list[tuple[Operation, M]] = []
            for operation, meta, outcome in self._send(batch):
                if outcome.result == "retryable":
                    again.append((operation, meta))
                else:
                    yield outcome, meta
            batch = again
