"""Rules uploads under S3's delivery: late, repeated and out of order, per key by sequencer."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import pytest
from cariberita.ingest.deadline import Deadline
from cariberita.ingest.events import ObjectEvent
from cariberita.rules import service
from cariberita.rules.objects import AppliedObject, RulesObject
from cariberita.rules.opensearch_store import OpenSearchRulesStore
from cariberita.rules.store import InMemoryRulesStore, RulesUnavailable, StoredVersion
from cariberita.rules.uploads import RulesUploads

from tests.support.fake_index_writer import FakeIndexWriter
from tests.support.fake_upload_store import FakeUploadStore
from tests.support.ingest_service import service_on

BUCKET = "berita"
KEY = "rules/aturan.json"
FIRST = {"pins": [{"query": "gempa", "ids": ["u-1"]}]}
SECOND = {"pins": [{"query": "banjir", "ids": ["u-2"]}]}


def none_missing(ids):
    return set()


@dataclass
class VersionedBucket(FakeUploadStore):
    """A versioned bucket: every upload is a new version; a read serves the current one."""

    versions: dict[tuple[str, str], str] = field(default_factory=dict)

    def upload(self, key: str, rules: dict, sequencer: str) -> ObjectEvent:
        """Put ``rules`` at ``key``; the event S3 sends for it (delivered when a test says)."""
        version = f"{key}@{sequencer}"  # unique per upload, like S3's version ids
        self.put(BUCKET, key, json.dumps(rules).encode())
        self.versions[(BUCKET, key)] = version
        return ObjectEvent("created", BUCKET, key, version, sequencer)

    def read(self, bucket: str, key: str) -> RulesObject | None:
        data = self.objects.get((bucket, key))
        return None if data is None else RulesObject(data, self.versions.get((bucket, key)))


@pytest.fixture
def store() -> InMemoryRulesStore:
    return InMemoryRulesStore()


@pytest.fixture
def bucket() -> VersionedBucket:
    return VersionedBucket()


@pytest.fixture
def uploads(store, bucket) -> RulesUploads:
    return RulesUploads(store, none_missing, bucket, read=bucket.read)


def report(bucket: VersionedBucket, key: str = KEY) -> dict:
    return bucket.report(BUCKET, f"reports/{key}.json")


def pinned(store: InMemoryRulesStore) -> list[str]:
    return [p["query"] for p in store.current().rules["pins"]]


def test_a_late_event_for_an_older_upload_is_skipped_and_leaves_the_newer_report(
    uploads, bucket, store
):
    older = bucket.upload(KEY, FIRST, "0A")
    newer = bucket.upload(KEY, SECOND, "0B")
    assert uploads.handle(newer)["version"] == 1
    outcome = uploads.handle(older)  # S3 delivers the first upload's event last
    assert outcome["status"] == "skipped"
    assert store.latest_version() == 1
    assert (report(bucket)["status"], report(bucket)["version"]) == ("applied", 1)


def test_a_redelivered_event_does_not_undo_rules_applied_since(uploads, bucket, store):
    event = bucket.upload(KEY, FIRST, "0A")
    assert uploads.handle(event)["version"] == 1
    service.apply(store, SECOND, "cli:ana", none_missing)
    outcome = uploads.handle(event)  # the same notification, delivered again
    assert outcome["version"] == 1  # what this upload produced, not a new version
    assert store.latest_version() == 2
    assert store.current().applied_by == "cli:ana"
    assert pinned(store) == ["banjir"]


def test_a_redelivery_after_another_file_was_applied_does_not_undo_it(uploads, bucket, store):
    first = bucket.upload("rules/a.json", FIRST, "0A")
    uploads.handle(first)
    uploads.handle(bucket.upload("rules/b.json", SECOND, "0C"))
    uploads.handle(first)
    assert store.latest_version() == 2
    assert pinned(store) == ["banjir"]


def test_sequencers_of_different_files_are_not_compared(uploads, bucket, store):
    uploads.handle(bucket.upload("rules/a.json", FIRST, "FF"))
    outcome = uploads.handle(bucket.upload("rules/b.json", SECOND, "01"))
    assert outcome["status"] == "applied"
    assert pinned(store) == ["banjir"]


def test_sequencers_of_different_lengths_compare_as_left_padded_hex(uploads, bucket, store):
    older = bucket.upload(KEY, FIRST, "FF")
    newer = bucket.upload(KEY, SECOND, "100")  # "FF" is "0FF": older, although "FF" > "100"
    uploads.handle(newer)
    assert uploads.handle(older)["status"] == "skipped"
    assert store.latest_version() == 1
    assert pinned(store) == ["banjir"]


def test_an_event_read_after_an_overwrite_records_the_body_it_applied(uploads, bucket, store):
    first = bucket.upload(KEY, FIRST, "0A")
    second = bucket.upload(KEY, SECOND, "0B")  # overwritten before the first event is handled
    assert uploads.handle(first)["version"] == 1
    assert pinned(store) == ["banjir"]  # S3 served the current body
    # The version is the body's (from the same GetObject), the sequencer the event's.
    assert AppliedObject.parse(store.current().applied_by) == AppliedObject(
        BUCKET, KEY, second.version_id, "0A"
    )
    # The second upload's event names the body already applied: nothing new is written.
    assert uploads.handle(second)["version"] == 1
    assert store.latest_version() == 1


def test_a_retry_after_the_report_was_lost_writes_it_again_without_a_new_version(
    uploads, bucket, store
):
    event = bucket.upload(KEY, FIRST, "0A")
    uploads.handle(event)
    bucket.reports.clear()  # applied, then the report write failed: SQS delivers it again
    uploads.handle(event)
    assert (report(bucket)["status"], report(bucket)["version"]) == ("applied", 1)
    assert store.latest_version() == 1


def test_a_redelivery_leaves_the_report_of_a_later_rejected_upload_alone(uploads, bucket, store):
    first = bucket.upload(KEY, FIRST, "0A")
    uploads.handle(first)
    uploads.handle(bucket.upload(KEY, {"pins": "bukan daftar"}, "0B"))
    assert report(bucket)["status"] == "rejected"
    assert uploads.handle(first)["status"] == "skipped"
    assert report(bucket)["status"] == "rejected"
    assert store.latest_version() == 1


def test_an_event_without_a_sequencer_is_never_older(uploads, bucket, store):
    uploads.handle(bucket.upload(KEY, FIRST, "0B"))
    unordered = bucket.upload(KEY, SECOND, "0A")
    outcome = uploads.handle(ObjectEvent("created", BUCKET, KEY, unordered.version_id, None))
    assert outcome["status"] == "applied"
    assert pinned(store) == ["banjir"]


@pytest.mark.parametrize(
    "upload",
    [
        AppliedObject("berita", "rules/aturan.json", "3HL4kqtJvjVBH40Nrjfkd", "0055AED6DCD90281E5"),
        AppliedObject("berita", "rules/aturan baru?v=2&x.json", None, "0A"),
        AppliedObject("berita", "rules/aturan.json"),
    ],
)
def test_the_applied_upload_is_read_back_from_applied_by(upload):
    assert AppliedObject.parse(upload.applied_by()) == upload
    assert upload.applied_by().split("?")[0] == upload.origin


def test_the_admin_tool_is_not_an_upload():
    assert AppliedObject.parse("cli:arn:aws:iam::1:user/ana") is None


def test_only_versions_of_the_same_file_are_its_uploads(store):
    for n, by in enumerate(
        ["s3://berita/rules/a.json?sequencer=0A", "s3://berita/rules/a.json.bak", "cli:ana"], 1
    ):
        store.add_version(StoredVersion(n, {}, "2024-01-01T00:00:00+00:00", by))
    assert store.newest_from("s3://berita/rules/a.json").version == 1
    assert store.newest_from("s3://berita/rules/b.json") is None


class SearchClient:
    """Answers every search with ``hits``; keeps the bodies sent."""

    def __init__(self, hits: list[dict]) -> None:
        self.hits = hits
        self.bodies: list[dict] = []

    def search(self, index: str, body: dict, **kwargs) -> dict:
        self.bodies.append(body)
        return {"hits": {"hits": [{"_source": h} for h in self.hits]}}


def test_the_opensearch_store_asks_for_the_newest_version_of_exactly_that_file():
    newest = {"kind": "version", "version": 7, "applied_by": "s3://b/rules/a.json?sequencer=0A"}
    client = SearchClient([newest])
    found = OpenSearchRulesStore(client, "articles").newest_from("s3://b/rules/a.json")
    assert found.version == 7
    body = client.bodies[0]
    assert body["size"] == 1
    assert body["sort"] == [{"version": "desc"}]
    assert body["query"]["bool"]["filter"] == [{"term": {"kind": "version"}}]
    assert body["query"]["bool"]["should"] == [
        {"term": {"applied_by": "s3://b/rules/a.json"}},
        {"prefix": {"applied_by": "s3://b/rules/a.json?"}},
    ]
    assert body["query"]["bool"]["minimum_should_match"] == 1
    assert OpenSearchRulesStore(SearchClient([]), "articles").newest_from("s3://b/x") is None


def test_a_late_older_event_that_fails_leaves_the_newer_report(store, bucket):
    # Through the ingest service, which writes "retrying" when a delivery fails: the rules
    # store is unreachable when the older upload's event arrives, after the newer one applied.
    ingest = service_on(FakeIndexWriter(), bucket)
    ingest.rules = RulesUploads(store, none_missing, bucket, read=bucket.read)
    older = bucket.upload(KEY, FIRST, "0A")
    newer = bucket.upload(KEY, SECOND, "0B")
    ingest.handle(newer, Deadline())
    store.fail = True
    with pytest.raises(RulesUnavailable):
        ingest.handle(older, Deadline())
    store.fail = False
    ingest.handle(older, Deadline())  # its redelivery: skipped, no report of its own

    stands = report(bucket)
    assert (stands["status"], stands["version"], stands["sequencer"]) == ("applied", 1, "0B")
