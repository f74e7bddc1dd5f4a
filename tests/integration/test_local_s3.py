"""The local bucket: uploads reach the ingest handler as SQS batches, like Lambda's mapping."""

from __future__ import annotations

import json
import os

import pytest
from cariberita_local.s3_local import LocalS3


class StandIn:
    """Records SQS events; fails the first delivery of keys containing 'gagal-sekali'."""

    def __init__(self) -> None:
        self.events: list[dict] = []
        self.failed_once: set[str] = set()

    def __call__(self, event: dict) -> dict:
        self.events.append(event)
        failures = []
        for record in event["Records"]:
            body = record["body"]
            if "gagal-sekali" in body and body not in self.failed_once:
                self.failed_once.add(body)
                failures.append({"itemIdentifier": record["messageId"]})
        return {"batchItemFailures": failures}


@pytest.fixture(scope="module")
def local_s3():
    saved = dict(os.environ)
    stand_in = StandIn()
    s3 = LocalS3(stand_in, bucket="berita-lokal-test", port=0, visibility_timeout_s=1)
    s3.start()
    yield s3, stand_in
    s3.stop()
    os.environ.clear()
    os.environ.update(saved)


def test_upload_reaches_the_handler_as_an_sqs_wrapped_s3_notification(local_s3):
    s3, stand_in = local_s3
    key = "uploads/berita 1.ndjson"
    s3.s3.put_object(Bucket=s3.bucket, Key=key, Body=b'{"title": "a", "body": "b"}\n')
    assert s3.wait_until_ingested([key], timeout_s=30) == set()
    record = next(
        r
        for e in stand_in.events
        for r in e["Records"]
        if "berita+1" in r["body"] or "berita%201" in r["body"]
    )
    assert record["eventSource"] == "aws:sqs"
    assert record["eventSourceARN"] == s3.queue_arn
    notification = json.loads(record["body"])["Records"][0]
    assert notification["eventName"].startswith("ObjectCreated")
    assert notification["s3"]["bucket"]["name"] == s3.bucket


def test_removing_an_object_is_delivered_too(local_s3):
    s3, stand_in = local_s3
    key = "hapus.ndjson"
    s3.s3.put_object(Bucket=s3.bucket, Key=key, Body=b"{}\n")
    s3.wait_until_ingested([key], timeout_s=30)
    before = len(stand_in.events)
    s3.s3.delete_object(Bucket=s3.bucket, Key=key)
    for _ in range(60):
        bodies = [r["body"] for e in stand_in.events[before:] for r in e["Records"]]
        if any("ObjectRemoved" in b for b in bodies):
            break
        s3.wait_until_ingested(["never"], timeout_s=0.5)
    assert any("ObjectRemoved" in b for b in bodies)


def test_message_reported_as_failed_is_redelivered_until_it_succeeds(local_s3):
    s3, stand_in = local_s3
    key = "gagal-sekali.ndjson"
    s3.s3.put_object(Bucket=s3.bucket, Key=key, Body=b"{}\n")
    assert s3.wait_until_ingested([key], timeout_s=60) == set()
    deliveries = [r for e in stand_in.events for r in e["Records"] if "gagal-sekali" in r["body"]]
    assert len(deliveries) == 2
    assert int(deliveries[-1]["attributes"]["ApproximateReceiveCount"]) == 2


def test_busy_port_is_refused_with_a_clear_error_instead_of_hanging():
    import socket

    from cariberita_local.s3_local import PortInUse

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(PortInUse, match=f"S3 port {port} is in use"):
            LocalS3(StandIn(), port=port).start()
