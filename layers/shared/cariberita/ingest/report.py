"""The editor's report for one object: counts and every rejected record with its position."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

Status = Literal["ok", "rejected_records", "unparseable", "removed"]
COUNTS = ("received", "valid", "indexed", "updated", "skipped_older", "deleted", "rejected")


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
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(COUNTS, 0))
    rejected: list[dict[str, Any]] = field(default_factory=list)
    rejected_not_listed: int = 0
    retried: int = 0
    bytes_read: int = 0
    started_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    finished_at: datetime | None = None

    def reject(self, unit: str, position: int, reason: str, article_id: str | None = None) -> None:
        """Count a rejected record; list it unless the list is full (memory stays bounded)."""
        self.counts["rejected"] += 1
        if len(self.rejected) >= self.max_listed:
            self.rejected_not_listed += 1
            return
        entry: dict[str, Any] = {unit: position, "reason": reason}
        if article_id:
            entry["id"] = article_id
        self.rejected.append(entry)

    @property
    def status(self) -> Status:
        if self.error:
            return "unparseable"
        if self.removed:
            return "removed"
        return "rejected_records" if self.counts["rejected"] else "ok"

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
            "dry_run": self.dry_run,
            "format": self.format,
            "error": self.error,
            "counts": dict(self.counts),
            "rejected": list(self.rejected),
            "rejected_not_listed": self.rejected_not_listed,
            "retried": self.retried,
            "bytes_read": self.bytes_read,
            "started_at": self.started_at.isoformat(),
            "finished_at": self.finished_at.isoformat() if self.finished_at else None,
            "duration_ms": self.duration_ms,
        }

    def to_json(self) -> str:
        return json.dumps(self.as_dict(), ensure_ascii=False, indent=2) + "\n"
