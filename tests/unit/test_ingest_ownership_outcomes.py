"""Which articles an object holds: those its put actually wrote, even when the put broke off.

Found by an independent review: a put that ran out of time recorded nothing it had written, and
a copy the index refused still counted as held, so deleting the real publisher kept it.
"""

from __future__ import annotations

import json
import random

import pytest
from cariberita.articles.categories import CategoryMap
from cariberita.ingest.deadline import Deadline, OutOfTime
from cariberita.ingest.events import ObjectEvent
from cariberita.ingest.service import IngestService
from cariberita.ingest.writer import IndexUnavailable, ItemOutcome, UploadRecord

from tests.support.fake_index_writer import FakeIndexWriter
from tests.support.fake_upload_store import FakeUploadStore
from tests.support.ingest_service import SETTINGS, Clock, service_on

BUCKET = "berita"
KEY = "uploads/a.ndjson"


# 20 s left with a 15 s margin: retries of a busy item soon run out of time (OutOfTime).
def short_deadline() -> Deadline:
    return Deadline(Clock(20_000), margin_ms=15_000)


@pytest.fixture(autouse=True)
def _no_sleep(monkeypatch):
    monkeypatch.setattr("cariberita.ingest.deadline.time.sleep", lambda s: None)


@pytest.fixture
def index() -> FakeIndexWriter:
    return FakeIndexWriter(chunk_size=2)


@pytest.fixture
def bucket() -> FakeUploadStore:
    return FakeUploadStore()


@pytest.fixture
def service(index, bucket) -> IngestService:
    return service_on(index, bucket)


def ndjson(*ids: str, updated_at: str = "2024-03-01") -> bytes:
    records = ({"id": i, "title": f"J {i}", "body": "Isi.", "updated_at": updated_at} for i in ids)
    return "".join(json.dumps(r) + "\n" for r in records).encode()


def put(service, bucket, key: str, data: bytes, seq: str, deadline: Deadline | None = None):
    bucket.put(BUCKET, key, data)
    return service.handle(ObjectEvent("created", BUCKET, key, None, seq), deadline or Deadline())


def delete(service, bucket, key: str, seq: str):
    bucket.remove(BUCKET, key)
    return service.handle(ObjectEvent("removed", BUCKET, key, None, seq), Deadline())


def held(index: FakeIndexWriter, key: str = KEY) -> frozenset[str]:
    return index.records[f"{BUCKET}/{key}"].articles


# --- a put that breaks off holds what it wrote ------------------------------------------------


def test_a_delete_after_a_put_that_ran_out_of_time_releases_what_it_wrote(service, bucket, index):
    put(service, bucket, KEY, ndjson("a"), seq="10")
    index.fail("d", ItemOutcome("retryable", "503"), times=1_000)

    with pytest.raises(OutOfTime):  # b and c are written in the first chunk, d never is
        put(service, bucket, KEY, ndjson("b", "c", "d"), seq="11", deadline=short_deadline())
    assert set(index.articles) == {"a", "b", "c"}

    delete(service, bucket, KEY, seq="12")
    assert index.articles == {}


class _TimeRunsOut(FakeIndexWriter):
    """The invocation's time runs out once the first request is answered (``clock`` set)."""

    clock: Clock | None = None

    def write(self, operations, deadline=None):
        for number, outcome in enumerate(super().write(operations, deadline), 1):
            yield outcome
            if self.clock is not None and number == self.chunk_size:
                self.clock.remaining_ms = 0


def test_the_redelivery_of_an_interrupted_put_is_applied_and_holds_everything(bucket):
    index = _TimeRunsOut(chunk_size=2)
    service = IngestService(SETTINGS, index, bucket, CategoryMap(), random.Random(0))
    index.clock = Clock(60_000)
    with pytest.raises(OutOfTime):
        put(service, bucket, KEY, ndjson("a", "b", "c"), seq="10", deadline=Deadline(index.clock))
    assert held(index) == {"a", "b"}

    index.clock = None  # SQS redelivers the message to an invocation with time to spare
    put(service, bucket, KEY, ndjson("a", "b", "c"), seq="10")

    assert held(index) == {"a", "b", "c"}
    delete(service, bucket, KEY, seq="11")
    assert index.articles == {}


class _RecordsDown(FakeIndexWriter):
    """Articles can be written, upload records cannot be saved."""

    def save_upload_record(self, record: UploadRecord, deadline: Deadline | None = None) -> None:
        raise IndexUnavailable("uploads index unreachable")


def test_an_interrupted_put_raises_its_own_error_when_its_holdings_cannot_be_saved(bucket):
    index = _RecordsDown(chunk_size=2)
    service = IngestService(SETTINGS, index, bucket, CategoryMap(), random.Random(0))
    index.fail("c", ItemOutcome("retryable", "503"), times=1_000)

    with pytest.raises(OutOfTime):
        put(service, bucket, KEY, ndjson("a", "b", "c"), seq="10", deadline=short_deadline())


# --- only a copy the index took is held ---------------------------------------------------------


def test_a_copy_skipped_as_older_is_not_held_so_deleting_the_publisher_unpublishes(
    service, bucket, index
):
    put(service, bucket, "uploads/baru.ndjson", ndjson("x", updated_at="2024-03-03"), seq="10")
    put(service, bucket, "uploads/lama.ndjson", ndjson("x", updated_at="2024-03-01"), seq="10")
    assert held(index, "uploads/lama.ndjson") == frozenset()

    report = delete(service, bucket, "uploads/baru.ndjson", seq="11")

    assert report is not None and report.counts["deleted"] == 1
    assert index.articles == {}


def test_a_copy_the_index_rejected_is_not_held_so_deleting_the_publisher_unpublishes(
    service, bucket, index
):
    put(service, bucket, "uploads/satu.ndjson", ndjson("x"), seq="10")
    index.fail("x", ItemOutcome("rejected", "mapper_parsing_exception"))
    put(service, bucket, "uploads/dua.ndjson", ndjson("x", "y"), seq="10")
    assert held(index, "uploads/dua.ndjson") == {"y"}

    delete(service, bucket, "uploads/satu.ndjson", seq="11")

    assert set(index.articles) == {"y"}


def test_a_copy_written_after_retries_is_held(service, bucket, index):
    index.fail("x", ItemOutcome("retryable", "429"), times=2)

    put(service, bucket, KEY, ndjson("x", "y"), seq="10")

    assert held(index) == {"x", "y"}
