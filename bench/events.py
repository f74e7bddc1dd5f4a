"""Lambda events the benchmarks send: S3 notifications through SQS, API Gateway proxy requests."""

from __future__ import annotations

import contextlib
import json
import os
import time
import uuid
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote, urlencode


def s3_sqs_event(bucket: str, key: str, size: int) -> dict[str, Any]:
    """One SQS message carrying the S3 ObjectCreated notification for ``bucket/key``."""
    notification = {
        "Records": [
            {
                "eventVersion": "2.1",
                "eventSource": "aws:s3",
                "awsRegion": "ap-southeast-3",
                "eventTime": "2026-01-01T00:00:00.000Z",
                "eventName": "ObjectCreated:Put",
                "s3": {
                    "s3SchemaVersion": "1.0",
                    "configurationId": "bench",
                    "bucket": {"name": bucket, "arn": f"arn:aws:s3:::{bucket}"},
                    # Keys in S3 events are URL-encoded.
                    "object": {"key": quote(key), "size": size, "sequencer": "0001"},
                },
            }
        ]
    }
    return {
        "Records": [
            {
                "messageId": str(uuid.uuid4()),
                "receiptHandle": "bench",
                "body": json.dumps(notification),
                "attributes": {
                    "ApproximateReceiveCount": "1",
                    "SentTimestamp": "1767225600000",
                    "SenderId": "bench",
                    "ApproximateFirstReceiveTimestamp": "1767225600000",
                },
                "messageAttributes": {},
                "md5OfBody": "",
                "eventSource": "aws:sqs",
                "eventSourceARN": "arn:aws:sqs:ap-southeast-3:000000000000:cariberita-ingest",
                "awsRegion": "ap-southeast-3",
            }
        ]
    }


def api_event(path: str, query: dict[str, Any]) -> dict[str, Any]:
    """The REST proxy event for ``GET path?query``, as the local API builds it."""
    from cariberita_local.apigw import Resource, build_event

    raw = path + ("?" + urlencode(query, doseq=True) if query else "")
    return build_event("GET", raw, [("Host", "localhost")], b"", Resource(path), {})


class FakeContext:
    """The Lambda context our handlers and Powertools read; the invocation has ``limit_s``."""

    function_name = "cariberita-bench"
    function_version = "$LATEST"
    invoked_function_arn = "arn:aws:lambda:ap-southeast-3:000000000000:function:cariberita-bench"
    memory_limit_in_mb = 1024
    aws_request_id = "00000000-0000-4000-8000-00000000bench"
    log_group_name = "/aws/lambda/cariberita-bench"
    log_stream_name = "bench"

    def __init__(self, limit_s: float = 900.0) -> None:
        self._deadline = time.monotonic() + limit_s

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self._deadline - time.monotonic()) * 1000))


@contextlib.contextmanager
def quiet() -> Iterator[None]:
    """Send what handlers print (Powertools' EMF metric lines) to /dev/null, as Lambda would
    send it to CloudWatch: the cost of printing stays, the terminal stays readable."""
    with open(os.devnull, "w", encoding="utf-8") as sink, contextlib.redirect_stdout(sink):
        yield
