"""Retryable items are re-sent alone, with backoff, within the invocation's time."""

from __future__ import annotations

import random

import pytest
from cariberita.ingest.deadline import Deadline, OutOfTime
from cariberita.ingest.retries import (
    BACKOFF_BASE_MS,
    BACKOFF_CAP_MS,
    RetryingWriter,
    backoff_ms,
)
from cariberita.ingest.writer import IndexArticle, ItemOutcome

from tests.support.fake_index_writer import FakeIndexWriter

RETRYABLE = ItemOutcome("retryable", "429")


class Clock:
    def __init__(self, remaining_ms: int) -> None:
        self.remaining_ms = remaining_ms

    def get_remaining_time_in_millis(self) -> int:
        return self.remaining_ms


def items(n: int) -> list[tuple[IndexArticle, int]]:
    return [(IndexArticle(f"id-{i}", 1, {"n": i}), i) for i in range(n)]


@pytest.fixture(autouse=True)
def _no_sleep(monkeypatch):
    monkeypatch.setattr("cariberita.ingest.deadline.time.sleep", lambda s: None)


def test_retryable_items_are_resent_alone_until_they_settle():
    index = FakeIndexWriter()
    index.fail("id-1", RETRYABLE, times=2)
    index.fail("id-2", RETRYABLE)
    writer = RetryingWriter(index, Deadline(), random.Random(1))

    outcomes = list(writer.write(items(4)))

    assert sorted((meta, o.result) for o, meta in outcomes) == [
        (0, "created"), (1, "created"), (2, "created"), (3, "created"),
    ]  # fmt: skip
    assert [[op.id for op in r] for r in index.requests] == [
        ["id-0", "id-1", "id-2", "id-3"], ["id-1", "id-2"], ["id-1"],
    ]  # fmt: skip
    assert writer.retried == 3


def test_final_outcomes_keep_their_meta_in_input_order():
    index = FakeIndexWriter()
    index.fail("id-1", ItemOutcome("rejected", "mapper_parsing_exception: bad"))
    outcomes = list(RetryingWriter(index, Deadline()).write(items(3)))
    assert [(meta, o.result) for o, meta in outcomes] == [
        (0, "created"), (1, "rejected"), (2, "created"),
    ]  # fmt: skip


def test_out_of_time_before_sending_raises_so_the_message_is_redelivered():
    writer = RetryingWriter(FakeIndexWriter(), Deadline(Clock(5_000), margin_ms=10_000))
    with pytest.raises(OutOfTime):
        list(writer.write(items(1)))


def test_out_of_time_while_retrying_raises():
    index = FakeIndexWriter()
    index.fail("id-0", RETRYABLE, times=100)
    writer = RetryingWriter(index, Deadline(Clock(60_000), margin_ms=59_990))
    with pytest.raises(OutOfTime):
        list(writer.write(items(1)))


def test_without_a_deadline_it_gives_up_after_a_bounded_number_of_rounds():
    index = FakeIndexWriter()
    index.fail("id-0", RETRYABLE, times=100)
    with pytest.raises(OutOfTime, match="after 8 retries"):
        list(RetryingWriter(index, Deadline()).write(items(1)))
    assert len(index.requests) == 9


def test_backoff_is_full_jitter_under_a_capped_exponential_ceiling():
    rng = random.Random(7)
    for attempt in range(1, 12):
        ceiling = min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2**attempt)
        draws = [backoff_ms(attempt, rng) for _ in range(400)]
        assert 0 <= min(draws) < ceiling * 0.1  # reaches down to zero: full jitter
        assert ceiling * 0.9 < max(draws) <= ceiling


class TickingClock:
    """Remaining time that goes down by what the sleeps take, as a real invocation's does."""

    def __init__(self, remaining_ms: float) -> None:
        self.remaining_ms = remaining_ms
        self.slept: list[float] = []

    def get_remaining_time_in_millis(self) -> int:
        return int(self.remaining_ms)

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds * 1000)
        self.remaining_ms -= seconds * 1000


def test_retries_sleep_only_while_the_budget_allows(monkeypatch):
    clock = TickingClock(5_000)
    monkeypatch.setattr("cariberita.ingest.deadline.time.sleep", clock.sleep)
    index = FakeIndexWriter()
    index.fail("id-0", RETRYABLE, times=1_000)

    with pytest.raises(OutOfTime):
        list(
            RetryingWriter(index, Deadline(clock, margin_ms=1_000), random.Random(3)).write(
                items(1)
            )
        )

    # Never slept into the margin, and no more rounds than the ceilings allow in 4 s.
    assert clock.remaining_ms > 1_000
    assert sum(clock.slept) <= 4_000
    assert len(index.requests) == len(clock.slept) + 1
    ceilings = [min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2**n) for n in range(1, 50)]
    assert all(s <= c for s, c in zip(clock.slept, ceilings, strict=False))
