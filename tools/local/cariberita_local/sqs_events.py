"""What Lambda's SQS event source mapping hands the ingest function, from received messages."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import unquote_plus


def sqs_event(messages: list[dict[str, Any]], queue_arn: str) -> dict[str, Any]:
    """The event Lambda's SQS event source mapping builds from received messages."""
    return {
        "Records": [
            {
                "messageId": m["MessageId"],
                "receiptHandle": m["ReceiptHandle"],
                "body": m["Body"],
                "attributes": m.get("Attributes", {}),
                "messageAttributes": {
                    name: {
                        "stringValue": value.get("StringValue"),
                        "binaryValue": value.get("BinaryValue"),
                        "stringListValues": [],
                        "binaryListValues": [],
                        "dataType": value.get("DataType", "String"),
                    }
                    for name, value in m.get("MessageAttributes", {}).items()
                },
                "md5OfBody": m.get("MD5OfBody", ""),
                "eventSource": "aws:sqs",
                "eventSourceARN": queue_arn,
                "awsRegion": queue_arn.split(":")[3],
            }
            for m in messages
        ]
    }


def object_keys(body: str) -> list[str]:
    """The decoded object keys an S3 notification message is about (none for s3:TestEvent)."""
    try:
        records = json.loads(body).get("Records", [])
    except (ValueError, AttributeError):
        return []
    return [unquote_plus(r["s3"]["object"]["key"]) for r in records if "s3" in r]
