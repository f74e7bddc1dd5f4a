"""IngestService.handle on in-memory fakes: newer wins, deletes, partial failures, the report."""

from __future__ import annotations

import json

import pytest
from cariberita.ingest.deadline import Deadline, OutOfTime
from cariberita.ingest.events import ObjectEvent
from cariberita.ingest.service import IngestService
from cariberita.ingest.writer import IndexArticle, IndexUnavailable, ItemOutcome

from tests.support.fake_index_writer import FakeIndexWriter
from tests.support.fake_upload_store import FakeUploadStore
from tests.support.ingest_service import Clock, service_on, unleased
from tests.support.paths import SAMPLES

BUCKET = "berita"
COUNTS = ("received", "valid", "indexed", "updated", "skipped_older", "deleted", "rejected")


@pytest.fixture(autouse=True)
def _no_sleep(monkeypatch):
    monkeypatch.setattr("cariberita.ingest.deadline.time.sleep", lambda s: None)


@pytest.fixture
def index() -> FakeIndexWriter:
    return FakeIndexWriter(chunk_size=10)


@pytest.fixture
def bucket() -> FakeUploadStore:
    return FakeUploadStore()


@pytest.fixture
def service(index, bucket) -> IngestService:
    return service_on(index, bucket)


def ndjson(*records: dict) -> bytes:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records).encode()


def article(id_: str, title: str, updated_at: str) -> dict:
    return {"id": id_, "title": title, "body": f"Isi berita {title}.", "updated_at": updated_at}


def upload(
    service, bucket, key: str, data: bytes, deadline: Deadline | None = None, seq: str = "01"
) -> dict:
    """Put the upload, handle its event, return the report written to the bucket."""
    bucket.put(BUCKET, key, data)
    service.handle(created(key, seq), deadline or Deadline())
    return bucket.report(BUCKET, f"reports/{key}.json")


def remove(service, bucket, key: str, seq: str = "02") -> dict:
    bucket.remove(BUCKET, key)
    service.handle(removed(key, seq), Deadline())
    return bucket.report(BUCKET, f"reports/{key}.json")


def created(key: str, seq: str, version: str | None = None) -> ObjectEvent:
    return ObjectEvent("created", BUCKET, key, version, seq)


def removed(key: str, seq: str, version: str | None = None) -> ObjectEvent:
    return ObjectEvent("removed", BUCKET, key, version, seq)


def titles(index: FakeIndexWriter) -> dict[str, str]:
    return {k: v["title"] for k, v in index.documents().items()}


def test_an_older_copy_never_overwrites_a_newer_one(service, bucket, index):
    upload(service, bucket, "uploads/baru.ndjson", ndjson(article("x", "Baru", "2024-03-02")))

    report = upload(
        service, bucket, "uploads/lama.ndjson", ndjson(article("x", "Lama", "2024-03-01"))
    )

    assert report["counts"]["skipped_older"] == 1
    assert report["counts"]["indexed"] == report["counts"]["updated"] == 0
    assert index.documents()["x"]["title"] == "Baru"
    assert index.documents()["x"]["source"] == f"{BUCKET}/uploads/baru.ndjson"


def test_a_newer_edit_replaces_the_older_one(service, bucket, index):
    upload(service, bucket, "uploads/v1.ndjson", ndjson(article("x", "Satu", "2024-03-01")))
    report = upload(service, bucket, "uploads/v2.ndjson", ndjson(article("x", "Dua", "2024-03-05")))

    assert report["counts"]["updated"] == 1
    assert index.documents()["x"]["title"] == "Dua"


def test_reuploading_the_same_batch_rewrites_the_same_documents(service, bucket, index):
    data = (SAMPLES / "batch-berita.ndjson").read_bytes()
    first = upload(service, bucket, "uploads/a.ndjson", data)
    second = upload(service, bucket, "uploads/a.ndjson", data)

    assert first["counts"]["indexed"] == second["counts"]["updated"] == 24
    assert second["counts"]["indexed"] == second["counts"]["skipped_older"] == 0
    assert len(index.articles) == 24


def test_removing_an_upload_deletes_its_articles_but_not_newer_copies(service, bucket, index):
    upload(service, bucket, "uploads/lama.ndjson", ndjson(
        article("d-1", "Tetap", "2024-03-01"), article("d-2", "Terhapus", "2024-03-01")
    ))  # fmt: skip
    upload(service, bucket, "uploads/baru.ndjson", ndjson(article("d-1", "Revisi", "2024-03-03")))

    report = remove(service, bucket, "uploads/lama.ndjson")

    assert report["status"] == "removed"
    assert report["counts"]["deleted"] == 1
    assert {k: v["title"] for k, v in index.documents().items()} == {"d-1": "Revisi"}


def test_tombstones_delete_unless_the_article_is_newer(service, bucket, index):
    upload(service, bucket, "uploads/isi.ndjson", ndjson(
        article("t-1", "Dicabut", "2024-03-01"), article("t-2", "Diperbarui", "2024-03-10")
    ))  # fmt: skip

    report = upload(service, bucket, "uploads/cabut.ndjson", ndjson(
        {"id": "t-1", "deleted": True},
        {"id": "t-2", "deleted": True, "updated_at": "2024-03-05"},
        {"id": "t-absent", "deleted": True},
    ))  # fmt: skip

    assert report["counts"]["deleted"] == 2  # t-1 and the absent one: deletes are idempotent
    assert report["counts"]["skipped_older"] == 1
    assert set(index.articles) == {"t-2"}


def test_items_the_index_refuses_are_reported_and_the_rest_indexed(service, bucket, index):
    index.fail("b", ItemOutcome("rejected", "mapper_parsing_exception: too deep"))
    index.fail("c", ItemOutcome("retryable", "429"), times=2)
    records = [article(i, f"Judul {i}", "2024-03-01") for i in "abcd"]

    report = upload(service, bucket, "uploads/campur.ndjson", ndjson(*records))

    assert report["status"] == "rejected_records"
    assert report["rejected"] == [
        {"line": 2, "id": "b", "reason": "not indexed: mapper_parsing_exception: too deep"}
    ]
    assert {k: report["counts"][k] for k in COUNTS} == {
        "received": 4, "valid": 3, "indexed": 3, "updated": 0, "skipped_older": 0,
        "deleted": 0, "rejected": 1,
    }  # fmt: skip
    assert report["retried"] == 2
    assert set(index.articles) == {"a", "c", "d"}


def test_items_still_refused_when_time_runs_out_raise_for_redelivery(service, bucket, index):
    index.fail("b", ItemOutcome("retryable", "503"), times=1_000)
    data = ndjson(*(article(i, f"Judul {i}", "2024-03-01") for i in "abc"))
    bucket.put(BUCKET, "uploads/sibuk.ndjson", data)

    with pytest.raises(OutOfTime):
        service.handle(
            ObjectEvent("created", BUCKET, "uploads/sibuk.ndjson"),
            Deadline(Clock(20_000), margin_ms=15_000),
        )

    # Until it is settled the report says it will be processed again (never a stale one).
    report = bucket.report(BUCKET, "reports/uploads/sibuk.ndjson.json")
    assert report["status"] == "retrying" and "OutOfTime" in report["error"]
    assert set(index.articles) == {"a", "c"}  # a redelivery rewrites them harmlessly


def test_an_unreachable_index_raises_for_redelivery(service, bucket, index):
    index.unavailable = True
    bucket.put(BUCKET, "uploads/a.ndjson", ndjson(article("a", "Judul", "2024-03-01")))

    with pytest.raises(IndexUnavailable):
        service.handle(ObjectEvent("created", BUCKET, "uploads/a.ndjson"), Deadline())
    with pytest.raises(IndexUnavailable):
        service.handle(ObjectEvent("removed", BUCKET, "uploads/a.ndjson"), Deadline())
    assert bucket.report(BUCKET, "reports/uploads/a.ndjson.json")["status"] == "retrying"


def test_a_late_older_event_that_fails_leaves_the_newer_uploads_report(service, bucket, index):
    # S3 delivers the events of two uploads of one key out of order: the newer (03) is applied,
    # then the older (01) arrives while the index is unreachable. Before, its retrying report
    # covered the newer upload's, and its redelivery, found stale, wrote nothing to undo it.
    upload(
        service, bucket, "uploads/a.ndjson", ndjson(article("a", "Baru", "2024-03-02")), seq="03"
    )
    index.unavailable = True
    with pytest.raises(IndexUnavailable):
        service.handle(created("uploads/a.ndjson", "01"), Deadline())
    index.unavailable = False
    service.handle(created("uploads/a.ndjson", "01"), Deadline())  # the redelivery: stale

    report = bucket.report(BUCKET, "reports/uploads/a.ndjson.json")
    assert (report["status"], report["sequencer"], report["counts"]["indexed"]) == ("ok", "03", 1)


def test_a_newer_event_that_fails_replaces_the_older_uploads_report(service, bucket, index):
    upload(
        service, bucket, "uploads/a.ndjson", ndjson(article("a", "Lama", "2024-03-01")), seq="01"
    )
    index.unavailable = True
    bucket.put(BUCKET, "uploads/a.ndjson", ndjson(article("a", "Baru", "2024-03-02")))
    with pytest.raises(IndexUnavailable):
        service.handle(created("uploads/a.ndjson", "03"), Deadline())

    report = bucket.report(BUCKET, "reports/uploads/a.ndjson.json")
    assert (report["status"], report["sequencer"]) == ("retrying", "03")


@pytest.mark.parametrize("stored", ["not json", '{"status": "ok"}', "[]"])
def test_a_failure_is_reported_over_a_report_that_names_no_event(service, bucket, index, stored):
    # Reports written before they carried the sequencer, or not ours: no order to keep.
    bucket.write_report(BUCKET, "reports/uploads/a.ndjson.json", stored)
    bucket.put(BUCKET, "uploads/a.ndjson", ndjson(article("a", "Judul", "2024-03-01")))
    index.unavailable = True
    with pytest.raises(IndexUnavailable):
        service.handle(created("uploads/a.ndjson", "01"), Deadline())

    assert bucket.report(BUCKET, "reports/uploads/a.ndjson.json")["status"] == "retrying"


def test_a_report_that_cannot_be_read_does_not_hide_the_failure(service, bucket, index):
    upload(
        service, bucket, "uploads/a.ndjson", ndjson(article("a", "Baru", "2024-03-02")), seq="03"
    )
    bucket.report_reads_fail = True
    index.unavailable = True
    with pytest.raises(IndexUnavailable):  # the delivery's own error, not the read's
        service.handle(created("uploads/a.ndjson", "01"), Deadline())

    assert bucket.report(BUCKET, "reports/uploads/a.ndjson.json")["status"] == "retrying"


def test_the_report_counts_and_lists_invalid_records(service, bucket, index):
    report = upload(
        service, bucket, "uploads/rusak.ndjson", (SAMPLES / "batch-rusak.ndjson").read_bytes()
    )

    assert report["object"] == f"s3://{BUCKET}/uploads/rusak.ndjson"
    assert report["status"] == "rejected_records"
    assert report["format"] == "ndjson"
    assert report["counts"]["received"] == 10
    assert report["counts"]["rejected"] == 5
    assert [r["line"] for r in report["rejected"]] == [2, 4, 5, 7, 8]
    assert report["rejected"][0] == {
        "line": 2, "id": "rusak-01", "reason": "title: required field is missing",
    }  # fmt: skip
    assert set(index.articles) == {"cb-0001", "cb-0005", "cb-0025"}


def test_an_unreadable_upload_gets_a_report_not_an_exception(service, bucket, index):
    report = upload(service, bucket, "uploads/rusak.json", b'[{"title": "a", "body": ')

    assert report["status"] == "unparseable"
    assert "invalid JSON" in report["error"]
    assert index.requests == []


def test_uploads_under_the_reports_prefix_are_ignored(service, bucket, index):
    bucket.put(BUCKET, "reports/uploads/a.ndjson.json", b"{}")
    event = ObjectEvent("created", BUCKET, "reports/uploads/a.ndjson.json")

    assert service.handle(event, Deadline()) is None
    assert bucket.reports == {} and index.requests == []


def test_an_upload_gone_before_it_is_read_is_nothing_to_do(service, bucket):
    assert service.handle(ObjectEvent("created", BUCKET, "uploads/weg.ndjson"), Deadline()) is None
    assert bucket.reports == {}


# --- order: S3 delivers late, twice and out of order; per key the sequencer decides ----------


def test_a_delete_after_its_put_unpublishes(service, bucket, index):
    upload(service, bucket, "uploads/a.ndjson", ndjson(article("a", "A", "2024-03-01")), seq="10")

    report = remove(service, bucket, "uploads/a.ndjson", seq="11")

    assert report["counts"]["deleted"] == 1 and index.articles == {}


def test_a_put_delivered_after_its_delete_publishes_nothing(service, bucket, index):
    bucket.put(BUCKET, "uploads/a.ndjson", ndjson(article("a", "A", "2024-03-01")))
    bucket.remove(BUCKET, "uploads/a.ndjson")  # put (10) then delete (11) happened in S3

    service.handle(removed("uploads/a.ndjson", "11"), Deadline())
    assert service.handle(created("uploads/a.ndjson", "10"), Deadline()) is None

    assert index.articles == {}
    record = index.records[f"{BUCKET}/uploads/a.ndjson"]
    assert (record.present, record.sequencer) == (False, "11")


def test_a_delete_delivered_after_a_newer_put_is_ignored(service, bucket, index):
    # S3: put (10), delete (11), put again (12); the events arrive 10, 12, 11.
    upload(service, bucket, "uploads/a.ndjson", ndjson(article("a", "A", "2024-03-01")), seq="10")
    upload(service, bucket, "uploads/a.ndjson", ndjson(article("a", "A", "2024-03-01")), seq="12")
    bucket.remove(BUCKET, "uploads/a.ndjson")  # so that S3 would answer 404: only order saves it

    assert service.handle(removed("uploads/a.ndjson", "11"), Deadline()) is None

    assert set(index.articles) == {"a"}


def test_a_delete_overtaken_by_a_new_upload_leaves_its_articles(service, bucket, index):
    # S3: put (10), delete (11), put again (12); the events arrive 10, 11, 12.
    upload(service, bucket, "uploads/a.ndjson", ndjson(article("a", "A", "2024-03-01")), seq="10")

    # The key has an object again when the delete is handled: S3 says so.
    assert service.handle(removed("uploads/a.ndjson", "11"), Deadline()) is None
    assert set(index.articles) == {"a"}
    upload(service, bucket, "uploads/a.ndjson", ndjson(article("a", "A", "2024-03-01")), seq="12")
    assert set(index.articles) == {"a"}


def test_a_duplicate_put_is_harmless(service, bucket, index):
    data = ndjson(article("a", "A", "2024-03-01"), article("b", "B", "2024-03-01"))
    first = upload(service, bucket, "uploads/a.ndjson", data, seq="10")
    again = upload(service, bucket, "uploads/a.ndjson", data, seq="10")

    assert first["counts"]["indexed"] == again["counts"]["updated"] == 2
    assert set(index.articles) == {"a", "b"}
    assert index.records[f"{BUCKET}/uploads/a.ndjson"].articles == {"a", "b"}


def test_a_put_delivered_after_a_newer_put_is_ignored(service, bucket, index):
    upload(service, bucket, "uploads/a.ndjson", ndjson(article("a", "Baru", None)), seq="0F")
    requests = len(index.requests)

    # The first upload's event comes late ("0E" < "0F"): no work, nothing overwritten.
    assert service.handle(created("uploads/a.ndjson", "0E"), Deadline()) is None

    assert len(index.requests) == requests
    assert index.records[f"{BUCKET}/uploads/a.ndjson"].sequencer == "0F"
    assert titles(index) == {"a": "Baru"}


def test_removing_a_noncurrent_version_keeps_the_current_articles(service, bucket, index):
    upload(service, bucket, "uploads/a.ndjson", ndjson(article("a", "v1", "2024-03-01")), seq="10")
    upload(service, bucket, "uploads/a.ndjson", ndjson(article("a", "v2", "2024-03-02")), seq="11")

    # ObjectRemoved:Delete with the first version's id: the current object is still there.
    event = removed("uploads/a.ndjson", "12", version="v1-id")
    assert service.handle(event, Deadline()) is None

    assert titles(index) == {"a": "v2"}
    assert bucket.report(BUCKET, "reports/uploads/a.ndjson.json")["status"] == "ok"


# --- ownership: an article stays while any object in the bucket holds it ---------------------


def test_deleting_one_of_two_uploads_of_a_batch_keeps_the_articles(service, bucket, index):
    data = ndjson(article("a", "A", "2024-03-01"), article("b", "B", "2024-03-01"))
    upload(service, bucket, "uploads/satu.ndjson", data)
    upload(service, bucket, "uploads/dua.ndjson", data)

    first = remove(service, bucket, "uploads/satu.ndjson")
    assert first["counts"]["deleted"] == 0 and set(index.articles) == {"a", "b"}

    second = remove(service, bucket, "uploads/dua.ndjson")
    assert second["counts"]["deleted"] == 2 and index.articles == {}


def test_deleting_an_object_unpublishes_only_what_no_other_object_holds(service, bucket, index):
    upload(service, bucket, "uploads/besar.ndjson", ndjson(
        article("a", "A", "2024-03-01"), article("b", "B", "2024-03-01")
    ))  # fmt: skip
    upload(service, bucket, "uploads/kecil.ndjson", ndjson(article("b", "B", "2024-03-01")))

    report = remove(service, bucket, "uploads/besar.ndjson")

    assert report["counts"]["deleted"] == 1
    assert set(index.articles) == {"b"}


def test_an_object_uploaded_again_after_its_delete_publishes_again(service, bucket, index):
    data = ndjson(article("a", "A", "2024-03-01"))
    upload(service, bucket, "uploads/a.ndjson", data, seq="10")
    remove(service, bucket, "uploads/a.ndjson", seq="11")

    report = upload(service, bucket, "uploads/a.ndjson", data, seq="12")

    assert report["counts"]["indexed"] == 1  # a removal is not a retraction
    assert set(index.articles) == {"a"}


# --- retractions are durable ------------------------------------------------------------------


def test_an_older_copy_never_republishes_a_retracted_article(service, bucket, index):
    upload(service, bucket, "uploads/isi.ndjson", ndjson(article("r", "Lama", "2024-03-01")))
    upload(service, bucket, "uploads/cabut.ndjson", ndjson({"id": "r", "deleted": True}))

    # Much later, a redrive of an old batch from another key still holds the old copy.
    late = upload(
        service, bucket, "uploads/lama.ndjson", ndjson(article("r", "Lama", "2024-03-01"))
    )

    assert late["counts"]["skipped_older"] == 1
    assert index.articles == {}


def test_a_versioned_retraction_yields_to_a_later_edit(service, bucket, index):
    upload(service, bucket, "uploads/cabut.ndjson", ndjson(
        {"id": "r", "deleted": True, "updated_at": "2024-03-05"}
    ))  # fmt: skip

    older = upload(service, bucket, "uploads/lama.ndjson", ndjson(article("r", "L", "2024-03-05")))
    newer = upload(service, bucket, "uploads/baru.ndjson", ndjson(article("r", "B", "2024-03-06")))

    assert older["counts"]["skipped_older"] == 1
    assert newer["counts"]["indexed"] == 1 and titles(index) == {"r": "B"}


# Two puts of one key handled at once (two invocations): the older put's articles are held by the
# key too, so deleting the key releases them (found by an independent review, 2026-12-03).
# The bucket's ingest lease now rules this out; these run without it, as after a lease was lost
# (tests/unit/test_ingest_concurrency.py has the lease's own tests).
_B, _K = "berita", "uploads/a.ndjson"


def _nd(*ids: str) -> bytes:
    return "".join(
        json.dumps({"id": i, "title": f"J {i}", "body": "Isi.", "updated_at": "2024-03-01"}) + "\n"
        for i in ids
    ).encode()


class _Interleaving(FakeIndexWriter):
    """While put 10 is writing, S3 gets version 2 of the key and put 11 is handled (another
    Lambda invocation)."""

    hook = None
    trigger = "old"  # the article whose write lets the other invocation run

    def _request(self, chunk):
        out = super()._request(chunk)
        if self.hook and any(isinstance(o, IndexArticle) and o.id == self.trigger for o in chunk):
            hook, self.hook = self.hook, None
            hook()
        return out


def test_an_article_published_by_a_concurrent_older_put_is_released_with_the_key():
    index, bucket = _Interleaving(), FakeUploadStore()
    svc = unleased(index, bucket)

    def second_put():
        bucket.put(_B, _K, _nd("new"))
        svc.handle(ObjectEvent("created", _B, _K, None, "11"), Deadline())

    index.hook = second_put
    bucket.put(_B, _K, _nd("old"))
    svc.handle(ObjectEvent("created", _B, _K, None, "10"), Deadline())
    assert set(index.records[f"{_B}/{_K}"].articles) == {"old", "new"}

    bucket.remove(_B, _K)
    svc.handle(ObjectEvent("removed", _B, _K, None, "12"), Deadline())
    assert index.articles == {}


def test_an_older_put_that_finishes_while_a_newer_one_writes_stays_held_by_the_key():
    # The mirror case: put 11 reads the key's record, then put 10 (older, handled by another
    # invocation) writes and records its article before 11 saves. 11 builds on the record as it
    # is when it saves, not as it was when it started (found by a review, 2026-12-03).
    index, bucket = _Interleaving(), FakeUploadStore()
    index.trigger = "new"
    svc = unleased(index, bucket)

    def older_put():
        svc.handle(ObjectEvent("created", _B, _K, None, "10"), Deadline())

    bucket.put(_B, _K, _nd("new"))
    real_open = bucket.open_current

    def open_then_race(b, k):
        # Put 10 reads what S3 held when it was sent: its own version.
        bucket.open_current = real_open
        body = real_open(b, k)
        bucket.put(_B, _K, _nd("old"))
        index.hook = older_put
        return body

    bucket.open_current = open_then_race
    svc.handle(ObjectEvent("created", _B, _K, None, "11"), Deadline())
    assert set(index.records[f"{_B}/{_K}"].articles) == {"old", "new"}

    bucket.remove(_B, _K)
    svc.handle(ObjectEvent("removed", _B, _K, None, "12"), Deadline())
    assert index.articles == {}


def test_an_id_repeated_in_one_object_is_listed_and_the_index_keeps_one_article(
    service, bucket, index
):
    report = upload(
        service,
        bucket,
        "uploads/dua-kali.ndjson",
        ndjson(
            article("x", "Lama", "2024-03-01"),
            article("x", "Baru", "2024-03-02"),
            article("y", "Satu", "2024-03-01"),
            article("y", "Sama", "2024-03-01"),  # a tie: the later record is kept
        ),
    )
    assert titles(index) == {"x": "Baru", "y": "Sama"}
    assert report["repeated"] == [
        {"line": 2, "id": "x", "first": 1},
        {"line": 4, "id": "y", "first": 3},
    ]
    assert report["repeated_not_listed"] == 0
    # Every record is still accounted for; the index holds one article per id.
    assert report["counts"]["received"] == 4 and report["counts"]["valid"] == 4
    assert report["counts"]["indexed"] + report["counts"]["updated"] == 4


def test_an_object_without_repeated_ids_lists_none(service, bucket):
    report = upload(
        service, bucket, "uploads/sekali.ndjson", ndjson(article("x", "A", "2024-03-01"))
    )
    assert report["repeated"] == [] and report["repeated_not_listed"] == 0
