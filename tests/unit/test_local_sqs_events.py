"""The SQS batch event the local event source mapping builds for the ingest handler."""

import json

from cariberita_local.sqs_events import object_keys, sqs_event

ARN = "arn:aws:sqs:ap-southeast-3:123456789012:berita-ingest"


def notification(key: str) -> str:
    return json.dumps(
        {"Records": [{"eventName": "ObjectCreated:Put", "s3": {"object": {"key": key}}}]}
    )


def test_keys_are_url_decoded_like_s3_sends_them():
    assert object_keys(notification("masuk/berita+baru%2C+edisi%C3%A9.ndjson")) == [
        "masuk/berita baru, edisié.ndjson"
    ]


def test_test_event_and_garbage_name_no_object():
    assert object_keys(json.dumps({"Event": "s3:TestEvent", "Service": "Amazon S3"})) == []
    assert object_keys("bukan json") == []


def test_event_has_lambdas_sqs_record_shape():
    message = {
        "MessageId": "m-1",
        "ReceiptHandle": "r-1",
        "Body": notification("a.ndjson"),
        "Attributes": {"ApproximateReceiveCount": "1"},
        "MD5OfBody": "abc",
        "MessageAttributes": {"trace": {"StringValue": "x", "DataType": "String"}},
    }
    (record,) = sqs_event([message], ARN)["Records"]
    assert record["messageId"] == "m-1" and record["receiptHandle"] == "r-1"
    assert record["eventSource"] == "aws:sqs" and record["eventSourceARN"] == ARN
    assert record["awsRegion"] == "ap-southeast-3"
    assert record["messageAttributes"]["trace"]["stringValue"] == "x"
    assert json.loads(record["body"])["Records"][0]["s3"]["object"]["key"] == "a.ndjson"
