"""Every event shape in events/ is read into object events with decoded keys."""

from __future__ import annotations

import json

import pytest
from cariberita.ingest.events import ObjectEvent, UnknownEvent, is_sqs_batch, object_events

from tests.support.events import load_event

BUCKET = "cariberita-uploads"
KEY = "uploads/batch-berita.ndjson"


def events_in(name: str) -> list[list[ObjectEvent]]:
    event = load_event(name)
    assert is_sqs_batch(event)
    return [object_events(record["body"]) for record in event["Records"]]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("ingest-sqs-s3-put.json", [[ObjectEvent("created", BUCKET, KEY)]]),
        ("ingest-sqs-s3-delete.json", [[ObjectEvent("removed", BUCKET, KEY)]]),
        ("ingest-sqs-test-event.json", [[]]),
        (
            "ingest-sqs-s3-mixed.json",
            [
                [ObjectEvent("created", BUCKET, KEY)],
                [],
                [ObjectEvent("created", BUCKET, "reports/uploads/batch-berita.ndjson.json")],
            ],
        ),
    ],
)
def test_event_files_are_read(name, expected):
    assert events_in(name) == expected


def test_encoded_key_with_spaces_slash_and_unicode_is_decoded():
    ((event,),) = events_in("ingest-sqs-s3-put-encoded-key.json")
    assert event.key == "uploads/Berita Jatim/Maret 2024 edisi “khusus” é.ndjson"
    assert event.upload == f"{BUCKET}/{event.key}"


def test_every_record_of_a_notification_is_decoded():
    event = json.loads(load_event("ingest-sqs-s3-put.json")["Records"][0]["body"])
    second = {
        **event["Records"][0],
        "s3": {**event["Records"][0]["s3"], "object": {"key": "a+b%2Bc.csv"}},
    }
    event["Records"].append(second)
    assert [e.key for e in object_events(event)] == [KEY, "a b+c.csv"]


@pytest.mark.parametrize(
    "body",
    [
        "not json",
        "[]",
        '{"Records": [{"eventSource": "aws:sns"}]}',
        "{}",
        '{"source": "aws.s3", "detail-type": "Object Created", "detail": {}}',  # EventBridge
    ],
)
def test_messages_that_are_not_s3_events_are_refused(body):
    with pytest.raises(UnknownEvent):
        object_events(body)
