"""A rules document uploaded to the bucket under ``rules/``: applied whole, or rejected whole.

The ingest function hands every ``rules/`` key here. The report lands beside the articles'
reports (``reports/rules/<name>.json``): the version now in force, or each problem found.
Deleting a rules file changes nothing (the rules stay as they are; ``rollback`` goes back).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from cariberita.articles.categories import CategoryMap
from cariberita.ingest.events import ObjectEvent
from cariberita.ingest.report import report_key
from cariberita.ingest.uploads import UploadStore
from cariberita.observability import logger
from cariberita.rules import service
from cariberita.rules.cache import RulesCache
from cariberita.rules.model import MAX_DOCUMENT_BYTES, RulesRejected
from cariberita.rules.store import RulesStore, RulesUnavailable
from cariberita.rules.validation import MissingIds

PREFIX = "rules/"


def s3_version_id(bucket: str, key: str) -> str | None:
    """The S3 versionId of the object (for the audit trail); None when unversioned or unknown."""
    from cariberita import storage

    try:
        version = storage.s3_client().head_object(Bucket=bucket, Key=key).get("VersionId")
    except Exception:  # the audit field is best effort; applying must not depend on it
        return None
    return str(version) if version and version != "null" else None


@dataclass
class RulesUploads:
    store: RulesStore
    missing_ids: MissingIds
    uploads: UploadStore
    reports_prefix: str = "reports/"
    version_of: Callable[[str, str], str | None] = s3_version_id
    cache: RulesCache | None = None

    def __post_init__(self) -> None:
        if self.cache is None:
            self.cache = RulesCache(self.store)

    @staticmethod
    def handles(key: str) -> bool:
        return key.lstrip("/").startswith(PREFIX)

    def category_map(self, base: CategoryMap) -> CategoryMap:
        """``base`` with the editors' category mapping in force (new articles get it too)."""
        assert self.cache is not None
        rules = self.cache.get()
        return rules.category_map(base) if rules.document.categories else base

    def handle(self, event: ObjectEvent) -> dict[str, Any] | None:
        """Apply the uploaded document and write its report; raises RulesUnavailable (retried)."""
        report: dict[str, Any] = {"object": f"s3://{event.bucket}/{event.key}", "kind": "rules"}
        if event.action == "removed":
            report.update(status="ignored", note="deleting a rules file changes no rules")
        else:
            body = self.uploads.open(event.bucket, event.key)
            if body is None:
                return None
            try:
                data = body.read(MAX_DOCUMENT_BYTES + 1)
            finally:
                body.close()
            version_id = self.version_of(event.bucket, event.key)
            by = f"s3://{event.bucket}/{event.key}" + (
                f"?versionId={version_id}" if version_id else ""
            )
            try:
                applied = service.apply(self.store, data, by, self.missing_ids)
            except RulesRejected as exc:
                report.update(status="rejected", problems=exc.problems)
            except RulesUnavailable:
                raise
            else:
                assert self.cache is not None
                self.cache.invalidate()  # this container's next upload uses the new mapping
                report.update(
                    status="applied",
                    version=applied.entry.version,
                    applied_by=applied.entry.applied_by,
                    counts=applied.counts,
                    note="in force for every search within 60 seconds",
                )
        report["finished_at"] = datetime.now(UTC).isoformat(timespec="seconds")
        self.uploads.write_report(
            event.bucket,
            report_key(self.reports_prefix, event.key),
            json.dumps(report, ensure_ascii=False, indent=2) + "\n",
        )
        logger.info("rules upload processed", extra={"status": report["status"]})
        return report
