"""Every event shape in events/ is read into object events with decoded keys."""

from __future__ import annotations

import json

import pytest
from cariberita.ingest.events import (
    ObjectEvent,
    UnknownEvent,
    is_older,
    is_sqs_batch,
    object_events,
)

from tests.support.events import load_event

BUCKET = "cariberita-uploads"
KEY = "uploads/batch-berita.ndjson"
VERSION = "3HL4kqtJlcpXroDTDmJ.rmSpXd3dIbrHY"
SEQ = "0065F3A1B2C3D4E5F6"
SEQ_DEL = "0065F3A1B2C3D4E5F7"


def events_in(name: str) -> list[list[ObjectEvent]]:
    event = load_event(name)
    assert is_sqs_batch(event)
    return [object_events(record["body"]) for record in event["Records"]]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("ingest-sqs-s3-put.json", [[ObjectEvent("created", BUCKET, KEY, VERSION, SEQ)]]),
        ("ingest-sqs-s3-delete.json", [[ObjectEvent("removed", BUCKET, KEY, None, SEQ_DEL)]]),
        ("ingest-sqs-test-event.json", [[]]),
        (
            "ingest-sqs-s3-mixed.json",
            [
                [ObjectEvent("created", BUCKET, KEY, VERSION, SEQ)],
                [],
                [
                    ObjectEvent(
                        "created", BUCKET, "reports/uploads/batch-berita.ndjson.json", None, SEQ
                    )
                ],
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


@pytest.mark.parametrize(
    ("name", "version_id", "sequencer"),
    [
        (
            "ingest-sqs-s3-delete-marker.json",
            "Ry5hPmWx3JZ0pLx8c2n9fXr4bT7uQ1eA",
            "0065F3A1B2C3D4E5F8",
        ),
        ("ingest-sqs-s3-delete-noncurrent.json", VERSION, "0065F3A1B2C3D4E5F9"),
    ],
)
def test_removals_in_a_versioned_bucket_keep_version_and_sequencer(name, version_id, sequencer):
    assert events_in(name) == [[ObjectEvent("removed", BUCKET, KEY, version_id, sequencer)]]


def test_an_unversioned_bucket_s_null_version_is_no_version():
    body = {
        "Records": [
            {
                "eventSource": "aws:s3",
                "eventName": "ObjectCreated:Put",
                "s3": {
                    "bucket": {"name": "b"},
                    "object": {"key": "uploads/a.csv", "versionId": "null", "sequencer": "0A"},
                },
            }
        ]
    }
    assert object_events(body) == [ObjectEvent("created", "b", "uploads/a.csv", None, "0A")]


@pytest.mark.parametrize(
    ("sequencer", "than", "older"),
    [
        ("0055AED6DCD90281E5", "0055AED6DCD90281E6", True),
        ("0055AED6DCD90281E6", "0055AED6DCD90281E5", False),
        ("0055AED6DCD90281E5", "0055AED6DCD90281E5", False),  # a redelivery is not older
        ("FF", "0100", True),  # shorter: padded on the left, 00FF < 0100
        ("0100", "FF", False),
        ("ff", "0100", True),  # case does not matter
        (None, "01", False),  # no sequencer: no order
        ("01", None, False),
    ],
)
def test_sequencers_compare_left_padded(sequencer, than, older):
    assert is_older(sequencer, than) is older
