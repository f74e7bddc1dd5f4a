"""Sample events from events/, as ``sam local invoke -e`` would send them."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote_plus

from tests.support.paths import EVENTS


def load_event(name: str) -> dict[str, Any]:
    """An event from events/, as `sam local invoke -e` would send it."""
    return json.loads((EVENTS / name).read_text(encoding="utf-8"))


def s3_event_message(
    bucket: str, key: str, name: str, sequencer: str, version: str | None = None
) -> dict[str, Any]:
    """The SQS event of one S3 notification (``name``: ``ObjectCreated:Put``...) for ``key``."""
    event = load_event("ingest-sqs-s3-put.json")
    body = json.loads(event["Records"][0]["body"])
    record = body["Records"][0]
    record["eventName"] = name
    record["s3"]["bucket"]["name"] = bucket
    record["s3"]["object"] = {"key": quote_plus(key, safe="/"), "sequencer": sequencer}
    if version:
        record["s3"]["object"]["versionId"] = version
    event["Records"][0]["body"] = json.dumps(body)
    return event
