"""S3's event order for the local stack: an increasing hex ``sequencer`` per key, and version ids.

S3 gives every event of one key a ``sequencer`` (a hex string; a later event of the same key has
a greater one, compared left-padded) and, in a versioned bucket, the object's ``versionId``. The
ingest function orders a key's events by the sequencer (``cariberita.ingest.ownership``), so the
local stack must send them too, numbered when the object changes, not when the event is
delivered: an event delivered late must still look older.

moto's notifications carry neither, so :func:`install_in_moto` wraps the function that builds
them (moto's server runs in this process) to add both at the moment of the write or delete.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

WIDTH = 16  # hex digits, like S3's sequencers ("0055AED6DCD90281E5" has 18)


class Sequencers:
    """Per (bucket, key), the next sequencer: ``0000000000000001``, ``...02``, ... (hex)."""

    def __init__(self) -> None:
        self._last: dict[tuple[str, str], int] = {}
        self._lock = threading.Lock()

    def next(self, bucket: str, key: str) -> str:
        with self._lock:
            number = self._last.get((bucket, key), 0) + 1
            self._last[(bucket, key)] = number
        return f"{number:0{WIDTH}X}"


# One numbering per process: the moto server and the synthetic events of lambda_runtime share it.
SEQUENCERS = Sequencers()

_Build = Callable[[str, Any, Any, str], dict[str, Any]]


def ordered(build: _Build, sequencers: Sequencers = SEQUENCERS) -> _Build:
    """``build`` (moto's ``_get_s3_event``) with each record's sequencer and, in a versioned
    bucket, the object's (or delete marker's) ``versionId``."""

    def build_ordered(event_name: str, bucket: Any, key: Any, config_id: str) -> dict[str, Any]:
        event = build(event_name, bucket, key, config_id)
        for record in event.get("Records", []):
            obj = record["s3"]["object"]
            obj["sequencer"] = sequencers.next(bucket.name, key.name)
            version = getattr(key, "version_id", None)
            if getattr(bucket, "is_versioned", False) and version and version != "null":
                obj["versionId"] = str(version)
        return event

    build_ordered.__wrapped__ = build  # type: ignore[attr-defined]
    return build_ordered


def install_in_moto() -> None:
    """Make moto's S3 notifications carry sequencers and version ids (idempotent)."""
    from moto.s3 import notifications

    if not hasattr(notifications._get_s3_event, "__wrapped__"):
        notifications._get_s3_event = ordered(notifications._get_s3_event)
