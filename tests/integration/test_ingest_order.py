"""What an S3 event means, on a versioned moto bucket and the real node: order per key by the
sequencer, objects that own their articles, durable retractions and a missing alias."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator

import boto3
import pytest
from cariberita.ingest.opensearch_writer import OpenSearchIndexWriter
from cariberita.ingest.writer import IndexUnavailable
from opensearchpy import exceptions as os_errors

from tests.support.events import s3_event_message
from tests.support.handlers import load_handler_module

PUT, MARKER, DELETE = (
    "ObjectCreated:Put",
    "ObjectRemoved:DeleteMarkerCreated",
    "ObjectRemoved:Delete",
)


@pytest.fixture
def alias(monkeypatch, fresh_index_alias, os_client) -> Iterator[str]:
    monkeypatch.setenv("ARTICLES_INDEX", fresh_index_alias)
    yield fresh_index_alias
    side = f"{fresh_index_alias}-uploads,{fresh_index_alias}-tombstones"
    os_client.indices.delete(index=side, ignore_unavailable=True)


@pytest.fixture
def bucket(s3_bucket) -> str:
    boto3.client("s3").put_bucket_versioning(
        Bucket=s3_bucket, VersioningConfiguration={"Status": "Enabled"}
    )
    return s3_bucket


def deliver(context, bucket: str, key: str, name: str, seq: str, version: str | None = None):
    """Hand the ingest function one SQS message holding this S3 event; its batch response."""
    event = s3_event_message(bucket, key, name, seq, version)
    return load_handler_module("ingest").lambda_handler(event, context)


def put(bucket: str, key: str, data: bytes) -> str:
    return boto3.client("s3").put_object(Bucket=bucket, Key=key, Body=data)["VersionId"]


def ndjson(*records: dict) -> bytes:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records).encode()


def article(id_: str, title: str, updated_at: str | None = "2024-03-01") -> dict:
    record = {"id": id_, "title": title, "body": f"Isi berita {title}."}
    return record | ({"updated_at": updated_at} if updated_at else {})


def titles(os_client, alias: str) -> dict[str, str]:
    os_client.indices.refresh(index=alias)
    hits = os_client.search(index=alias, body={"size": 100, "query": {"match_all": {}}})
    return {h["_id"]: h["_source"]["title"] for h in hits["hits"]["hits"]}


def report(bucket: str, key: str) -> dict:
    body = boto3.client("s3").get_object(Bucket=bucket, Key=f"reports/{key}.json")["Body"]
    return json.loads(body.read())


OK = {"batchItemFailures": []}


# --- every ordering of one key's events -------------------------------------------------------


def test_put_then_delete_unpublishes(bucket, lambda_context, os_client, alias):
    version = put(bucket, "uploads/a.ndjson", ndjson(article("a", "A")))
    assert deliver(lambda_context, bucket, "uploads/a.ndjson", PUT, "10", version) == OK
    marker = boto3.client("s3").delete_object(Bucket=bucket, Key="uploads/a.ndjson")

    assert (
        deliver(lambda_context, bucket, "uploads/a.ndjson", MARKER, "11", marker["VersionId"]) == OK
    )

    assert titles(os_client, alias) == {}
    assert report(bucket, "uploads/a.ndjson")["status"] == "removed"


def test_a_delete_delivered_before_its_put_publishes_nothing(
    bucket, lambda_context, os_client, alias
):
    version = put(bucket, "uploads/a.ndjson", ndjson(article("a", "A")))
    marker = boto3.client("s3").delete_object(Bucket=bucket, Key="uploads/a.ndjson")

    deliver(lambda_context, bucket, "uploads/a.ndjson", MARKER, "11", marker["VersionId"])
    assert deliver(lambda_context, bucket, "uploads/a.ndjson", PUT, "10", version) == OK

    assert titles(os_client, alias) == {}


def test_a_delete_delivered_after_a_newer_put_is_ignored(bucket, lambda_context, os_client, alias):
    s3 = boto3.client("s3")
    put(bucket, "uploads/a.ndjson", ndjson(article("a", "A")))
    marker = s3.delete_object(Bucket=bucket, Key="uploads/a.ndjson")
    again = put(bucket, "uploads/a.ndjson", ndjson(article("a", "A lagi", "2024-03-02")))
    deliver(lambda_context, bucket, "uploads/a.ndjson", PUT, "12", again)

    assert (
        deliver(lambda_context, bucket, "uploads/a.ndjson", MARKER, "11", marker["VersionId"]) == OK
    )

    assert titles(os_client, alias) == {"a": "A lagi"}


def test_a_duplicate_put_leaves_the_same_articles(bucket, lambda_context, os_client, alias):
    version = put(bucket, "uploads/a.ndjson", ndjson(article("a", "A"), article("b", "B")))
    deliver(lambda_context, bucket, "uploads/a.ndjson", PUT, "10", version)
    deliver(lambda_context, bucket, "uploads/a.ndjson", PUT, "10", version)

    assert titles(os_client, alias) == {"a": "A", "b": "B"}
    assert report(bucket, "uploads/a.ndjson")["counts"]["updated"] == 2


def test_removing_a_noncurrent_version_keeps_the_current_articles(
    bucket, lambda_context, os_client, alias
):
    v1 = put(bucket, "uploads/a.ndjson", ndjson(article("a", "Versi 1")))
    deliver(lambda_context, bucket, "uploads/a.ndjson", PUT, "10", v1)
    v2 = put(bucket, "uploads/a.ndjson", ndjson(article("a", "Versi 2", "2024-03-02")))
    deliver(lambda_context, bucket, "uploads/a.ndjson", PUT, "11", v2)

    boto3.client("s3").delete_object(Bucket=bucket, Key="uploads/a.ndjson", VersionId=v1)
    assert deliver(lambda_context, bucket, "uploads/a.ndjson", DELETE, "12", v1) == OK

    assert titles(os_client, alias) == {"a": "Versi 2"}


def test_a_put_delivered_after_a_newer_put_is_ignored(bucket, lambda_context, os_client, alias):
    v1 = put(bucket, "uploads/a.ndjson", ndjson(article("a", "Lama", None)))
    v2 = put(bucket, "uploads/a.ndjson", ndjson(article("a", "Baru", None)))
    deliver(lambda_context, bucket, "uploads/a.ndjson", PUT, "0B", v2)

    assert deliver(lambda_context, bucket, "uploads/a.ndjson", PUT, "0A", v1) == OK

    assert titles(os_client, alias) == {"a": "Baru"}
    # The late event did no work: the report is still the first one's.
    assert report(bucket, "uploads/a.ndjson")["counts"]["indexed"] == 1


# --- objects own their articles ------------------------------------------------------------


def test_deleting_one_of_two_uploads_of_a_batch_keeps_the_articles(
    bucket, lambda_context, os_client, alias
):
    data = ndjson(article("a", "A"), article("b", "B"))
    for n, key in enumerate(("uploads/satu.ndjson", "uploads/dua.ndjson")):
        deliver(lambda_context, bucket, key, PUT, f"1{n}", put(bucket, key, data))
    s3 = boto3.client("s3")

    marker = s3.delete_object(Bucket=bucket, Key="uploads/satu.ndjson")["VersionId"]
    deliver(lambda_context, bucket, "uploads/satu.ndjson", MARKER, "20", marker)
    assert titles(os_client, alias) == {"a": "A", "b": "B"}

    marker = s3.delete_object(Bucket=bucket, Key="uploads/dua.ndjson")["VersionId"]
    deliver(lambda_context, bucket, "uploads/dua.ndjson", MARKER, "21", marker)
    assert titles(os_client, alias) == {}
    assert report(bucket, "uploads/dua.ndjson")["counts"]["deleted"] == 2


# --- retractions outlast index.gc_deletes -------------------------------------------------


def test_an_old_copy_after_gc_deletes_never_republishes_a_retracted_article(
    bucket, lambda_context, os_client, alias
):
    os_client.indices.put_settings(index=alias, body={"index": {"gc_deletes": "0s"}})
    # Control: with gc_deletes 0s the index itself forgets a deleted document's version...
    os_client.index(index=alias, id="kontrol", body={}, version=100, version_type="external")
    os_client.delete(index=alias, id="kontrol", version=100, version_type="external_gte")
    time.sleep(0.5)
    os_client.indices.refresh(index=alias)
    os_client.index(index=alias, id="kontrol", body={}, version=50, version_type="external_gte")
    os_client.delete(index=alias, id="kontrol")

    for n, (key, records) in enumerate([
        ("uploads/isi.ndjson", [article("r", "Dicabut")]),
        ("uploads/cabut.ndjson", [{"id": "r", "deleted": True}]),
    ]):  # fmt: skip
        deliver(lambda_context, bucket, key, PUT, f"1{n}", put(bucket, key, ndjson(*records)))
    time.sleep(0.5)
    os_client.indices.refresh(index=alias)

    # ... but an old copy redriven from another key stays out, however late.
    key = "uploads/redrive.ndjson"
    deliver(
        lambda_context, bucket, key, PUT, "20", put(bucket, key, ndjson(article("r", "Dicabut")))
    )

    assert report(bucket, key)["counts"]["skipped_older"] == 1
    assert titles(os_client, alias) == {}


# --- a missing alias is an error, never a new index ---------------------------------------


def test_ingesting_into_a_missing_alias_fails_for_redelivery_and_creates_nothing(
    bucket, lambda_context, os_client, monkeypatch
):
    missing = f"t-missing-{int(time.time() * 1000)}"
    monkeypatch.setenv("ARTICLES_INDEX", missing)
    version = put(bucket, "uploads/a.ndjson", ndjson(article("a", "A")))

    response = deliver(lambda_context, bucket, "uploads/a.ndjson", PUT, "10", version)

    assert len(response["batchItemFailures"]) == 1  # SQS redelivers it
    for name in (missing, f"{missing}-uploads", f"{missing}-tombstones"):
        with pytest.raises(os_errors.NotFoundError):
            os_client.indices.get(index=name)


# --- a failed delivery's report never covers a newer event's ---------------------------------


@pytest.fixture
def unreachable_records(monkeypatch):
    """The index answers the lease but not the upload-record read that follows (a timeout on a
    busy node): the delivery fails before it can learn whether it is stale."""

    def fail(self, upload, deadline=None):
        raise IndexUnavailable("upload record read timed out")

    return lambda: monkeypatch.setattr(OpenSearchIndexWriter, "upload_record", fail)


def test_a_late_older_event_that_fails_leaves_the_newer_report(
    bucket, lambda_context, alias, unreachable_records
):
    v1 = put(bucket, "uploads/a.ndjson", ndjson(article("a", "Lama")))
    v2 = put(bucket, "uploads/a.ndjson", ndjson(article("a", "Baru", "2024-03-02")))
    assert deliver(lambda_context, bucket, "uploads/a.ndjson", PUT, "0B", v2) == OK
    assert report(bucket, "uploads/a.ndjson")["sequencer"] == "0B"

    unreachable_records()
    response = deliver(lambda_context, bucket, "uploads/a.ndjson", PUT, "0A", v1)

    assert len(response["batchItemFailures"]) == 1  # redelivered, as any failure
    stands = report(bucket, "uploads/a.ndjson")
    assert (stands["status"], stands["sequencer"]) == ("ok", "0B")


def test_a_newer_event_that_fails_reports_retrying_over_the_older_report(
    bucket, lambda_context, alias, unreachable_records
):
    v1 = put(bucket, "uploads/a.ndjson", ndjson(article("a", "Lama")))
    assert deliver(lambda_context, bucket, "uploads/a.ndjson", PUT, "0A", v1) == OK
    v2 = put(bucket, "uploads/a.ndjson", ndjson(article("a", "Baru", "2024-03-02")))

    unreachable_records()
    response = deliver(lambda_context, bucket, "uploads/a.ndjson", PUT, "0B", v2)

    assert len(response["batchItemFailures"]) == 1
    replaced = report(bucket, "uploads/a.ndjson")
    assert (replaced["status"], replaced["sequencer"]) == ("retrying", "0B")
