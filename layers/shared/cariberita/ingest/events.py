"""The S3 object events in the SQS messages the ingest function receives, keys URL-decoded.

Each message body is an S3 event notification (the template sends ``uploads/`` created and
removed events to the queue), or S3's ``s3:TestEvent``, sent once when a notification is
configured and ignored. Each event keeps the object's ``versionId`` and ``sequencer``: S3
delivers notifications late, twice and out of order, and the sequencer is the only order it
promises between events for one key (``docs/ingestion.md``, "Order").
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Literal
from urllib.parse import unquote_plus

Action = Literal["created", "removed"]


@dataclass(frozen=True)
class ObjectEvent:
    """One S3 event. ``sequencer`` orders events for the same key only (None: unordered)."""

    action: Action
    bucket: str
    key: str
    version_id: str | None = None
    sequencer: str | None = None

    @property
    def upload(self) -> str:
        """``bucket/key``: how the documents it produced name the upload they came from."""
        return f"{self.bucket}/{self.key}"


def is_older(sequencer: str | None, than: str | None) -> bool:
    """Whether ``sequencer`` comes strictly before ``than`` (both for the same key).

    S3's sequencers are hex strings of varying length: left-pad to equal length, then compare.
    Without either there is no order, so nothing counts as older.
    """
    if not sequencer or not than:
        return False
    width = max(len(sequencer), len(than))
    return sequencer.upper().rjust(width, "0") < than.upper().rjust(width, "0")


class UnknownEvent(ValueError):
    """An event we cannot read; it is logged and acknowledged (retrying cannot help)."""


def _action(name: str) -> Action | None:
    if name.startswith("ObjectCreated:"):
        return "created"
    if name.startswith("ObjectRemoved:"):
        return "removed"
    return None


def _text(value: Any) -> str | None:
    # An unversioned bucket's events carry no versionId (or the string "null").
    return value if isinstance(value, str) and value and value != "null" else None


def object_events(payload: Any) -> list[ObjectEvent]:
    """The object events in one S3 notification (an SQS message body, or its parsed JSON)."""
    if isinstance(payload, str):
        try:
            payload = json.loads(payload)
        except json.JSONDecodeError as exc:
            raise UnknownEvent(f"message body is not JSON: {exc.msg}") from exc
    if not isinstance(payload, dict):
        raise UnknownEvent("event is not a JSON object")
    if payload.get("Event") == "s3:TestEvent":
        return []
    records = payload.get("Records")
    if isinstance(records, list):
        events: list[ObjectEvent] = []
        for record in records:
            if record.get("eventSource") != "aws:s3":
                raise UnknownEvent(f"unexpected record source {record.get('eventSource')!r}")
            action = _action(record.get("eventName", ""))
            if action is None:
                continue
            s3 = record["s3"]
            obj = s3["object"]
            events.append(
                ObjectEvent(
                    action,
                    s3["bucket"]["name"],
                    unquote_plus(obj["key"]),
                    version_id=_text(obj.get("versionId")),
                    sequencer=_text(obj.get("sequencer")),
                )
            )
        return events
    raise UnknownEvent("not an S3 event notification")


def is_sqs_batch(event: Any) -> bool:
    records = event.get("Records") if isinstance(event, dict) else None
    if not isinstance(records, list) or not records:
        return False
    return all(isinstance(r, dict) and r.get("eventSource") == "aws:sqs" for r in records)
