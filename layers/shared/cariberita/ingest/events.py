"""S3 object events in every shape the ingest function receives, with every key URL-decoded.

Shapes: S3 event notifications (direct, or as the body of an SQS message), EventBridge
"Object Created"/"Object Deleted" events (direct or via SQS), and S3's ``s3:TestEvent``
(sent once when a notification is configured; ignored).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Literal
from urllib.parse import unquote_plus

Action = Literal["created", "removed"]


@dataclass(frozen=True)
class ObjectEvent:
    action: Action
    bucket: str
    key: str

    @property
    def upload(self) -> str:
        """``bucket/key``: how the documents it produced name the upload they came from."""
        return f"{self.bucket}/{self.key}"


class UnknownEvent(ValueError):
    """An event we cannot read; it is logged and acknowledged (retrying cannot help)."""


def _action(name: str) -> Action | None:
    lowered = name.lower()
    if "objectcreated" in lowered or lowered == "object created":
        return "created"
    if "objectremoved" in lowered or lowered == "object deleted":
        return "removed"
    return None


def object_events(payload: Any) -> list[ObjectEvent]:
    """The object events in one S3 notification, EventBridge event or SQS message body."""
    if isinstance(payload, str):
        try:
            payload = json.loads(payload)
        except json.JSONDecodeError as exc:
            raise UnknownEvent(f"message body is not JSON: {exc.msg}") from exc
    if not isinstance(payload, dict):
        raise UnknownEvent("event is not a JSON object")
    if payload.get("Event") == "s3:TestEvent":
        return []
    if payload.get("source") == "aws.s3" and "detail-type" in payload:
        action = _action(payload["detail-type"])
        if action is None:
            return []  # e.g. "Object Restore Completed": nothing to index
        detail = payload.get("detail") or {}
        return [
            ObjectEvent(action, detail["bucket"]["name"], unquote_plus(detail["object"]["key"]))
        ]
    records = payload.get("Records")
    if isinstance(records, list):
        events = []
        for record in records:
            if record.get("eventSource") != "aws:s3":
                raise UnknownEvent(f"unexpected record source {record.get('eventSource')!r}")
            action = _action(record.get("eventName", ""))
            if action is None:
                continue
            s3 = record["s3"]
            events.append(
                ObjectEvent(action, s3["bucket"]["name"], unquote_plus(s3["object"]["key"]))
            )
        return events
    raise UnknownEvent("neither an S3 notification nor an EventBridge S3 event")


def is_sqs_batch(event: Any) -> bool:
    records = event.get("Records") if isinstance(event, dict) else None
    if not isinstance(records, list) or not records:
        return False
    return all(isinstance(r, dict) and r.get("eventSource") == "aws:sqs" for r in records)
