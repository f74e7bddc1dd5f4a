"""The ingest handler, invoked in-process with every event shape, on real OpenSearch + moto S3."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import quote_plus

import boto3
import pytest

from tests.support.events import load_event
from tests.support.handlers import load_handler_module
from tests.support.paths import SAMPLES

UPLOAD = "uploads/batch-berita.ndjson"
SAMPLE_ARTICLES = 24


def event_for(name: str, bucket: str, key: str = UPLOAD) -> dict:
    """A file from events/ aimed at our bucket and key (keys are URL-encoded as S3 sends them)."""
    text = json.dumps(load_event(name))
    return json.loads(
        text.replace("cariberita-uploads", bucket).replace(UPLOAD, quote_plus(key, safe="/"))
    )


def report_of(bucket: str, key: str) -> dict:
    body = boto3.client("s3").get_object(Bucket=bucket, Key=f"reports/{key}.json")["Body"]
    return json.loads(body.read())


def count(os_client, alias: str, source: str | None = None) -> int:
    os_client.indices.refresh(index=alias)
    query = {"term": {"source": source}} if source else {"match_all": {}}
    return os_client.count(index=alias, body={"query": query})["count"]


@pytest.fixture
def handler(monkeypatch, fresh_index_alias):
    monkeypatch.setenv("ARTICLES_INDEX", fresh_index_alias)
    return load_handler_module("ingest").lambda_handler


@pytest.fixture
def upload(s3_bucket):
    def put(key: str, data: bytes | Path) -> str:
        body = data.read_bytes() if isinstance(data, Path) else data
        boto3.client("s3").put_object(Bucket=s3_bucket, Key=key, Body=body)
        return key

    return put


def test_sqs_message_with_s3_notification_indexes_the_batch_and_writes_a_report(
    handler, upload, s3_bucket, lambda_context, os_client, fresh_index_alias
):
    upload(UPLOAD, SAMPLES / "batch-berita.ndjson")

    response = handler(event_for("ingest-sqs-s3-put.json", s3_bucket), lambda_context)

    assert response == {"batchItemFailures": []}
    assert count(os_client, fresh_index_alias, f"{s3_bucket}/{UPLOAD}") == SAMPLE_ARTICLES
    report = report_of(s3_bucket, UPLOAD)
    assert report["status"] == "ok"
    assert report["counts"]["received"] == SAMPLE_ARTICLES
    assert report["counts"]["indexed"] == SAMPLE_ARTICLES


def test_url_encoded_key_with_spaces_slash_and_unicode_is_decoded(
    handler, upload, s3_bucket, lambda_context, os_client, fresh_index_alias
):
    key = "uploads/Berita Jatim/Maret 2024 edisi “khusus” é.ndjson"
    upload(key, SAMPLES / "batch-berita.ndjson")
    event = event_for("ingest-sqs-s3-put-encoded-key.json", s3_bucket)
    notification = json.loads(event["Records"][0]["body"])
    assert notification["Records"][0]["s3"]["object"]["key"] != key  # S3 sends it encoded

    handler(event, lambda_context)

    assert count(os_client, fresh_index_alias, f"{s3_bucket}/{key}") == SAMPLE_ARTICLES
    assert report_of(s3_bucket, key)["key"] == key


def test_an_event_that_is_not_an_sqs_batch_is_acknowledged_and_does_nothing(
    handler, upload, s3_bucket, lambda_context, os_client, fresh_index_alias
):
    upload(UPLOAD, SAMPLES / "batch-berita.ndjson")
    notification = json.loads(event_for("ingest-sqs-s3-put.json", s3_bucket)["Records"][0]["body"])

    assert handler(notification, lambda_context) == {"batchItemFailures": []}
    assert count(os_client, fresh_index_alias) == 0


def test_s3_test_event_is_acknowledged_and_does_nothing(handler, s3_bucket, lambda_context):
    assert handler(event_for("ingest-sqs-test-event.json", s3_bucket), lambda_context) == {
        "batchItemFailures": []
    }


def test_uploads_under_the_reports_prefix_are_ignored(
    handler, upload, s3_bucket, lambda_context, os_client, fresh_index_alias
):
    upload(UPLOAD, SAMPLES / "batch-berita.ndjson")
    upload("reports/uploads/batch-berita.ndjson.json", SAMPLES / "batch-berita.ndjson")

    response = handler(event_for("ingest-sqs-s3-mixed.json", s3_bucket), lambda_context)

    assert response == {"batchItemFailures": []}
    assert count(os_client, fresh_index_alias) == SAMPLE_ARTICLES
    listed = boto3.client("s3").list_objects_v2(Bucket=s3_bucket, Prefix="reports/reports/")
    assert listed["KeyCount"] == 0


def test_object_removed_event_deletes_the_articles_of_that_object(
    handler, upload, s3_bucket, lambda_context, os_client, fresh_index_alias
):
    upload(UPLOAD, SAMPLES / "batch-berita.ndjson")
    handler(event_for("ingest-sqs-s3-put.json", s3_bucket), lambda_context)
    boto3.client("s3").delete_object(Bucket=s3_bucket, Key=UPLOAD)

    handler(event_for("ingest-sqs-s3-delete.json", s3_bucket), lambda_context)

    assert count(os_client, fresh_index_alias) == 0
    assert report_of(s3_bucket, UPLOAD)["counts"]["deleted"] == SAMPLE_ARTICLES


def test_a_message_that_runs_out_of_time_is_reported_as_failed_for_redelivery(
    handler, upload, s3_bucket, lambda_context, monkeypatch
):
    upload(UPLOAD, SAMPLES / "batch-berita.ndjson")
    monkeypatch.setenv("INGEST_TIME_MARGIN_MS", "60000")
    lambda_context.remaining_ms = 1_000  # less than the margin: nothing may be started

    response = handler(event_for("ingest-sqs-s3-put.json", s3_bucket), lambda_context)

    assert response == {
        "batchItemFailures": [{"itemIdentifier": "0e5b1d3c-7f1a-4c1e-9d8e-000000000001"}]
    }


def test_cli_upload_puts_the_file_where_the_handler_picks_it_up(
    handler, s3_bucket, lambda_context, os_client, fresh_index_alias, capsys
):
    from cariberita.batch_cli import main

    assert main(["upload", str(SAMPLES / "batch-berita.csv"), "--bucket", s3_bucket]) == 0
    assert f"s3://{s3_bucket}/reports/uploads/batch-berita.csv.json" in capsys.readouterr().err

    event = event_for("ingest-sqs-s3-put.json", s3_bucket, "uploads/batch-berita.csv")
    assert handler(event, lambda_context) == {"batchItemFailures": []}

    assert count(os_client, fresh_index_alias) == SAMPLE_ARTICLES


def test_cli_strict_upload_refuses_a_batch_with_rejected_records(s3_bucket, capsys):
    from cariberita.batch_cli import main

    code = main(["upload", str(SAMPLES / "batch-rusak.ndjson"), "--bucket", s3_bucket, "--strict"])

    assert code == 1
    assert "not uploaded" in capsys.readouterr().err
    assert boto3.client("s3").list_objects_v2(Bucket=s3_bucket)["KeyCount"] == 0


def test_one_failing_message_is_reported_alone_and_the_others_are_acknowledged(
    handler, upload, s3_bucket, lambda_context, os_client, fresh_index_alias
):
    upload(UPLOAD, SAMPLES / "batch-berita.ndjson")
    good = event_for("ingest-sqs-s3-put.json", s3_bucket)["Records"][0]
    bad = event_for("ingest-sqs-s3-put.json", "bucket-that-does-not-exist")["Records"][0]
    bad = {**bad, "messageId": "bad-message"}

    response = handler({"Records": [bad, good]}, lambda_context)

    assert response == {"batchItemFailures": [{"itemIdentifier": "bad-message"}]}
    assert count(os_client, fresh_index_alias) == SAMPLE_ARTICLES
