"""The editor's report for one object: counts and every rejected record with its position.

Bounded whatever the upload: at most ``max_listed`` rejections are listed (the rest counted),
and every text echoed from the upload (a reason quoting a value, an id, an error) is cut to
``MAX_ECHO_CHARS`` characters with an ellipsis, so a report stays well under a megabyte.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

from cariberita.ingest.events import is_older

Status = Literal[
    "ok",
    "rejected_records",
    "empty",
    "incomplete",
    "over_limit",
    "unparseable",
    "removed",
    "retrying",
]
COUNTS = (
    "received",
    "valid",
    "indexed",
    "updated",
    "skipped_older",
    "deleted",
    "rejected",
    "not_read",
)
SETTLED = ("indexed", "updated", "skipped_older", "deleted", "rejected", "not_read")
MAX_ECHO_CHARS = 200
# Repeated ids listed per report (the rest counted): an editor needs a few to find the cause,
# and the list must not double a report's bound beside a full list of rejections.
MAX_REPEATED_LISTED = 100
ELLIPSIS = "…"


def clip(text: str, limit: int = MAX_ECHO_CHARS) -> str:
    """``text`` cut to ``limit`` characters, the cut marked with an ellipsis, and what UTF-8
    cannot encode written as its escape: a lone surrogate from a JSON ``\\ud800`` in an id made
    every write of the report fail, so the delivery was retried into the DLQ."""
    cut = text if len(text) <= limit else text[: limit - 1] + ELLIPSIS
    return cut.encode("utf-8", "backslashreplace").decode("utf-8")


def report_key(prefix: str, key: str) -> str:
    """``reports/<key>.json``, kept inside the prefix and one report per distinct key.

    Segments that are empty, ``.`` or ``..`` are percent-encoded rather than dropped (dropping made
    ``../x.ndjson`` and ``uploads/../../x.ndjson`` share one report); ``%`` and ``\\`` are
    encoded too, so the mapping stays one-to-one. Ordinary keys come out unchanged.
    """
    return prefix + "/".join(_segment(part) for part in key.split("/")) + ".json"


def _segment(part: str) -> str:
    part = part.replace("%", "%25").replace("\\", "%5C")
    if part in ("", ".", ".."):
        return part.replace(".", "%2E") or "%"
    return part


@dataclass
class Report:
    bucket: str
    key: str
    max_listed: int = 1_000
    dry_run: bool = False
    format: str | None = None
    error: str | None = None
    removed: bool = False
    # Why reading ended before the end of the object, and where (``{"item": 1001}``).
    stop: Literal["incomplete", "over_limit", "retrying"] | None = None
    stopped_at: dict[str, int] | None = None
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(COUNTS, 0))
    rejected: list[dict[str, Any]] = field(default_factory=list)
    rejected_not_listed: int = 0
    # Records whose id an earlier record of this object already had: each is written all the
    # same (newer wins, so the index keeps one article per id); listed so that an editor who
    # counts articles learns why the index holds fewer than the object's valid records.
    repeated: list[dict[str, Any]] = field(default_factory=list)
    repeated_not_listed: int = 0
    retried: int = 0
    bytes_read: int = 0
    # The S3 event's sequencer (None: the event had none, or a dry run): which of two reports
    # of one key is the newer, so a failed delivery of an older event never covers the report
    # of a newer one (ingest/service.py, ``_reported``).
    sequencer: str | None = None
    started_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    finished_at: datetime | None = None

    def reject(self, unit: str, position: int, reason: str, article_id: str | None = None) -> None:
        """Count a rejected record; list it unless the list is full (memory stays bounded)."""
        self.counts["rejected"] += 1
        if len(self.rejected) >= self.max_listed:
            self.rejected_not_listed += 1
            return
        entry: dict[str, Any] = {unit: position, "reason": clip(reason)}
        if article_id:
            entry["id"] = clip(article_id)
        self.rejected.append(entry)

    def repeat(self, unit: str, position: int, article_id: str, first: int) -> None:
        """Record ``position`` has the id of record ``first`` (listed while the list has room)."""
        if len(self.repeated) >= min(self.max_listed, MAX_REPEATED_LISTED):
            self.repeated_not_listed += 1
            return
        self.repeated.append({unit: position, "id": clip(article_id), "first": first})

    def stop_reading(
        self, kind: Literal["incomplete", "over_limit"], unit: str, position: int, reason: str
    ) -> None:
        """Reading ended at record ``position``: that record is counted as not read."""
        self.stop = kind
        self.stopped_at = {unit: position}
        self.error = clip(reason)
        self.counts["received"] += 1
        self.counts["not_read"] += 1

    def refuse(self, reason: str, *, over_limit: bool = False) -> None:
        """The object as a whole cannot be read (or is over a cap before any record)."""
        self.error = clip(reason)
        self.stop = "over_limit" if over_limit else None

    @property
    def status(self) -> Status:
        if self.removed:
            return "removed"
        if self.stop is not None:
            return self.stop
        if self.error:
            return "unparseable"
        if self.counts["rejected"]:
            return "rejected_records"
        return "ok" if self.counts["received"] else "empty"

    @property
    def balanced(self) -> bool:
        """Every record received is accounted for: settled in the index, rejected or not read."""
        counts = self.counts
        if self.dry_run:
            return counts["received"] == counts["valid"] + counts["rejected"] + counts["not_read"]
        return counts["received"] == sum(counts[name] for name in SETTLED)

    def finish(self) -> Report:
        self.finished_at = datetime.now(UTC)
        return self

    @property
    def duration_ms(self) -> int:
        end = self.finished_at or datetime.now(UTC)
        return int((end - self.started_at).total_seconds() * 1000)

    def as_dict(self) -> dict[str, Any]:
        return {
            "object": f"s3://{self.bucket}/{self.key}",
            "bucket": self.bucket,
            "key": self.key,
            "status": self.status,
            "sequencer": self.sequencer,
            "dry_run": self.dry_run,
            "format": self.format,
            "error": self.error,
            "stopped_at": self.stopped_at,
            "counts": dict(self.counts),
            "rejected": list(self.rejected),
            "rejected_not_listed": self.rejected_not_listed,
            "repeated": list(self.repeated),
            "repeated_not_listed": self.repeated_not_listed,
            "retried": self.retried,
            "bytes_read": self.bytes_read,
            "started_at": self.started_at.isoformat(),
            "finished_at": self.finished_at.isoformat() if self.finished_at else None,
            "duration_ms": self.duration_ms,
        }

    def to_json(self) -> str:
        return json.dumps(self.as_dict(), ensure_ascii=False, indent=2) + "\n"


def retrying_report(
    bucket: str, key: str, exc: BaseException, sequencer: str | None = None
) -> Report:
    """What the editor sees while a delivery failed and SQS will deliver the object again.

    Written in place of any earlier report of the key (but never over a newer event's:
    :func:`covers`), so a stale ``ok`` never survives a re-upload that could not be processed;
    the next delivery overwrites it.
    """
    report = Report(bucket, key, sequencer=sequencer)
    report.stop = "retrying"
    report.error = clip(f"{type(exc).__name__}: {exc}; the upload will be processed again")
    return report.finish()


def reported_sequencer(text: str | None) -> str | None:
    """The ``sequencer`` of a stored report; None when there is none, it names none (a report
    written before reports carried it) or it cannot be read as a report."""
    try:
        found = json.loads(text) if text else None
    except ValueError:
        return None
    sequencer = found.get("sequencer") if isinstance(found, dict) else None
    return sequencer if isinstance(sequencer, str) and sequencer else None


def covers(sequencer: str | None, stored: str | None) -> bool:
    """Whether a report of the event with ``sequencer`` may replace the ``stored`` report:
    not when the stored one is a newer event's (S3's order for one key); without either
    sequencer there is no order, and the newest write stands as before."""
    return not is_older(sequencer, reported_sequencer(stored))
