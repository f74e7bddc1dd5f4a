"""A rules document uploaded to the bucket under ``rules/``: applied whole, or rejected whole.

The ingest function hands every ``rules/`` key here. The report lands beside the articles'
reports (``reports/rules/<name>.json``): the version now in force, or each problem found.
Deleting a rules file changes nothing (the rules stay as they are; ``rollback`` goes back).

Order. S3 delivers events late, twice and out of order, and its ``sequencer`` orders the events
of one key only; editors may use several file names. So the rule is per file (bucket and key):
the newest version applied from the file names the upload it came from (:mod:`objects`), and
an event for that file is

- older than that upload (by sequencer): skipped, and no report (the newer one's stands; a
  report names the event that wrote it, so neither does a failure of the older one cover it);
- that upload again (same sequencer, or the versionId that was applied): not applied again,
  which would undo what was applied since (another file, the admin tool); its report is
  written again only while the file still holds that version (a retry after the report failed);
- anything else: applied. Uploads of different files, and the admin tool, have no order S3
  gives: the one handled last is in force. An event without a sequencer is never older.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from cariberita.articles.categories import CategoryMap
from cariberita.ingest.events import ObjectEvent, is_older
from cariberita.ingest.report import report_key
from cariberita.ingest.uploads import UploadStore
from cariberita.observability import logger
from cariberita.rules import service
from cariberita.rules.cache import RulesCache
from cariberita.rules.model import RulesRejected
from cariberita.rules.objects import AppliedObject, RulesObject, s3_read
from cariberita.rules.store import RulesStore, RulesUnavailable, StoredVersion
from cariberita.rules.validation import MissingIds

PREFIX = "rules/"


def _same_upload(event: ObjectEvent, done: AppliedObject) -> bool:
    """Whether ``event`` is the upload ``done`` names, or announced the body it applied."""
    same_sequencer = bool(event.sequencer and done.sequencer) and not (
        is_older(event.sequencer, done.sequencer) or is_older(done.sequencer, event.sequencer)
    )
    return same_sequencer or (bool(event.version_id) and event.version_id == done.version_id)


@dataclass
class RulesUploads:
    """``uploads`` receives the reports; ``read`` fetches a rules file with its versionId."""

    store: RulesStore
    missing_ids: MissingIds
    uploads: UploadStore
    reports_prefix: str = "reports/"
    read: Callable[[str, str], RulesObject | None] = s3_read
    cache: RulesCache | None = None
    # The category map ingest starts from, for the report's notes (default: the bundled map).
    shipped: CategoryMap | None = None

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
        """Apply the uploaded document and write its report; raises RulesUnavailable (retried).

        Returns the report, or for a skipped event (see the module) an outcome not written
        (``status`` ``skipped``); None when the object no longer exists.
        """
        report: dict[str, Any] = {"object": f"s3://{event.bucket}/{event.key}", "kind": "rules"}
        if event.action == "removed":
            report.update(status="ignored", note="deleting a rules file changes no rules")
            return self._write(event, report)
        last = self.store.newest_from(AppliedObject(event.bucket, event.key).origin)
        done = AppliedObject.parse(last.applied_by) if last is not None else None
        if last is not None and done is not None and is_older(event.sequencer, done.sequencer):
            return self._skip(event, report, last, "a newer upload of this file is applied")
        found = self.read(event.bucket, event.key)
        if found is None:
            return None
        if last is not None and done is not None and _same_upload(event, done):
            if not (found.version_id and found.version_id == done.version_id):
                return self._skip(event, report, last, "this upload is applied already")
            report.update(self._applied(last), note="applied already (S3 sent its event again)")
            return self._write(event, report)
        by = AppliedObject(event.bucket, event.key, found.version_id, event.sequencer)
        try:
            applied = service.apply(
                self.store, found.data, by.applied_by(), self.missing_ids, self.shipped
            )
        except RulesRejected as exc:
            report.update(status="rejected", problems=exc.problems)
        except RulesUnavailable:
            raise
        else:
            assert self.cache is not None
            self.cache.invalidate()  # this container's next upload uses the new mapping
            report.update(self._applied(applied.entry, applied.counts))
            if applied.notes:
                report["notes"] = applied.notes
        return self._write(event, report)

    @staticmethod
    def _applied(entry: StoredVersion, counts: dict[str, int] | None = None) -> dict[str, Any]:
        return {
            "status": "applied",
            "version": entry.version,
            "applied_by": entry.applied_by,
            "counts": counts if counts is not None else entry.summary()["counts"],
            "note": "in force for every search within 60 seconds",
        }

    @staticmethod
    def _skip(
        event: ObjectEvent, outcome: dict[str, Any], last: StoredVersion, why: str
    ) -> dict[str, Any]:
        logger.info(
            "rules event skipped: " + why,
            extra={"sequencer": event.sequencer, "applied_by": last.applied_by},
        )
        outcome.update(status="skipped", note=f"{why} (version {last.version})")
        return outcome

    def _write(self, event: ObjectEvent, report: dict[str, Any]) -> dict[str, Any]:
        # As an upload's report: a failing older event of the file reads it and leaves it
        # standing (ingest/service.py), since that event's redelivery, skipped, writes none.
        report["sequencer"] = event.sequencer
        report["finished_at"] = datetime.now(UTC).isoformat(timespec="seconds")
        self.uploads.write_report(
            event.bucket,
            report_key(self.reports_prefix, event.key),
            json.dumps(report, ensure_ascii=False, indent=2) + "\n",
        )
        logger.info("rules upload processed", extra={"status": report["status"]})
        return report
