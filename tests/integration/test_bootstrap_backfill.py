"""tools/scripts/sam-backfill.py queues one S3-shaped notification per object ingest can read."""

from __future__ import annotations

import importlib.util
import json

import boto3
import pytest

from tests.support.sam_template import ROOT


def load_backfill():
    spec = importlib.util.spec_from_file_location(
        "sam_backfill", ROOT / "tools" / "scripts" / "sam-backfill.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def queue_url(s3_endpoint, monkeypatch) -> str:
    monkeypatch.setenv("AWS_ENDPOINT_URL_SQS", s3_endpoint)  # moto serves every service
    return boto3.client("sqs").create_queue(QueueName="backfill-test")["QueueUrl"]


def received(queue_url: str) -> list[dict]:
    sqs = boto3.client("sqs")
    bodies = []
    while batch := sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10).get("Messages"):
        bodies += [json.loads(m["Body"]) for m in batch]
        sqs.delete_message_batch(
            QueueUrl=queue_url,
            Entries=[{"Id": m["MessageId"], "ReceiptHandle": m["ReceiptHandle"]} for m in batch],
        )
    return bodies


def test_every_upload_is_queued_once_and_reports_are_skipped(s3_bucket, queue_url, capsys):
    from cariberita.ingest.events import object_events

    s3 = boto3.client("s3")
    keys = [f"uploads/berita {n}+ekonomi.json" for n in range(12)] + ["uploads/lama/a.csv"]
    for key in [*keys, "reports/uploads/a.csv.json", "lain/x.json"]:
        s3.put_object(Bucket=s3_bucket, Key=key, Body=b"{}")

    backfill = load_backfill()
    code = backfill.main(["--bucket", s3_bucket, "--queue-url", queue_url, "--prefix", "uploads/"])

    summary = json.loads(capsys.readouterr().out)
    assert code == 0
    assert summary["listed"] == summary["queued"] == len(keys)
    events = [e for body in received(queue_url) for e in object_events(body)]
    assert sorted(e.key for e in events) == sorted(keys)  # URL-encoding round-trips
    assert {e.action for e in events} == {"created"} and {e.bucket for e in events} == {s3_bucket}


def test_the_reports_prefix_is_refused(s3_bucket, queue_url):
    with pytest.raises(SystemExit):
        load_backfill().main(
            ["--bucket", s3_bucket, "--queue-url", queue_url, "--prefix", "reports/"]
        )
