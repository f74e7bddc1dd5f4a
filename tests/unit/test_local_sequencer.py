"""Local S3 events carry S3's per-key order: an increasing hex sequencer, and version ids."""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator
from types import SimpleNamespace

import boto3
import pytest
from cariberita.ingest.events import is_older, object_events
from cariberita_local.lambda_runtime import s3_notification
from cariberita_local.sequencer import Sequencers, install_in_moto, ordered
from moto import mock_aws

REGION = "ap-southeast-3"


def test_each_key_counts_up_in_hex_on_its_own():
    sequencers = Sequencers()
    a = [sequencers.next("b", "uploads/a.csv") for _ in range(17)]
    other = sequencers.next("b", "uploads/z.csv")
    assert a[0] == "0000000000000001" and a[15] == "0000000000000010" and a[16].endswith("11")
    assert other == "0000000000000001"  # numbering is per key, as S3's is comparable per key
    assert all(is_older(before, after) for before, after in itertools.pairwise(a))
    assert all(len(s) == 16 and int(s, 16) for s in a)


def test_synthetic_notifications_of_one_key_are_ordered_and_carry_the_version_id():
    first = object_events(json.dumps(s3_notification("b", "uploads/urut.csv", version_id="v1")))
    gone = object_events(json.dumps(s3_notification("b", "uploads/urut.csv", action="removed")))
    (put,), (removed,) = first, gone
    assert is_older(put.sequencer, removed.sequencer)
    assert not is_older(removed.sequencer, put.sequencer)
    assert put.version_id == "v1" and removed.version_id is None


def test_moto_events_get_a_sequencer_and_only_real_version_ids():
    sequencers = Sequencers()

    def build(event_name, bucket, key, config_id):
        return {"Records": [{"s3": {"object": {"key": key.name}}}]}

    add_order = ordered(build, sequencers)
    versioned = SimpleNamespace(name="b", is_versioned=True)
    plain = SimpleNamespace(name="b", is_versioned=False)
    key = SimpleNamespace(name="uploads/a.csv", version_id="3HL4kqtJ")
    unversioned_key = SimpleNamespace(name="uploads/a.csv", version_id="null")

    def obj(bucket, key):
        return add_order("s3:ObjectCreated:Put", bucket, key, "id")["Records"][0]["s3"]["object"]

    one, two = obj(versioned, key), obj(plain, key)
    three = obj(versioned, unversioned_key)
    assert (one["sequencer"], two["sequencer"], three["sequencer"]) == (
        "0000000000000001",
        "0000000000000002",
        "0000000000000003",
    )
    assert one["versionId"] == "3HL4kqtJ"
    assert "versionId" not in two and "versionId" not in three


@pytest.fixture
def ordered_moto(monkeypatch) -> Iterator[None]:
    from moto.s3 import notifications

    # In one session with the integration tier, its moto server's endpoint is still in the
    # environment: boto3 would aim there (a socket) instead of the in-process mock.
    for name in ("AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL_SQS"):
        monkeypatch.delenv(name, raising=False)

    before = notifications._get_s3_event
    # The local stack may have installed it in this process already (the e2e tier runs first).
    original = getattr(before, "__wrapped__", before)
    notifications._get_s3_event = original
    install_in_moto()
    install_in_moto()  # a second install does not wrap twice
    assert notifications._get_s3_event.__wrapped__ is original
    yield
    notifications._get_s3_event = before


@mock_aws
def test_a_versioned_moto_bucket_notifies_in_order_with_version_ids(ordered_moto):
    s3 = boto3.client("s3", region_name=REGION)
    sqs = boto3.client("sqs", region_name=REGION)
    s3.create_bucket(Bucket="lokal", CreateBucketConfiguration={"LocationConstraint": REGION})
    s3.put_bucket_versioning(Bucket="lokal", VersioningConfiguration={"Status": "Enabled"})
    url = sqs.create_queue(QueueName="ingest")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]
    s3.put_bucket_notification_configuration(
        Bucket="lokal",
        NotificationConfiguration={
            "QueueConfigurations": [
                {
                    "QueueArn": arn["QueueArn"],
                    "Events": ["s3:ObjectCreated:*", "s3:ObjectRemoved:*"],
                }
            ]
        },
    )
    versions = [
        s3.put_object(Bucket="lokal", Key="uploads/a b.csv", Body=b"x")["VersionId"],
        s3.put_object(Bucket="lokal", Key="uploads/a b.csv", Body=b"y")["VersionId"],
    ]
    bodies = []
    while batch := sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages"):
        bodies += [m["Body"] for m in batch]
    events = [e for body in bodies for e in object_events(body) if e.key == "uploads/a b.csv"]
    assert [e.version_id for e in events] == versions
    first, second = events
    assert is_older(first.sequencer, second.sequencer)
