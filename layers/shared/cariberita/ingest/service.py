"""What the ingest function does with one object event: index or delete, then report."""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from cariberita.articles.categories import CategoryMap, load_category_map
from cariberita.ingest import ownership, telemetry
from cariberita.ingest.deadline import Deadline
from cariberita.ingest.events import ObjectEvent
from cariberita.ingest.pipeline import ingest_stream
from cariberita.ingest.report import Report, report_key, retrying_report
from cariberita.ingest.settings import IngestSettings
from cariberita.ingest.uploads import UploadStore
from cariberita.ingest.writer import IndexWriter
from cariberita.observability import logger, tracer
from cariberita.rules.uploads import RulesUploads


@dataclass
class IngestService:
    """Ingest with its dependencies passed in: the real ones in the handler, fakes in tests."""

    settings: IngestSettings
    writer: IndexWriter
    uploads: UploadStore
    category_map: CategoryMap = field(default_factory=CategoryMap)
    rng: random.Random | None = None
    # Editors' rules documents (``rules/`` keys) and their category mapping; None: not handled.
    rules: RulesUploads | None = None

    @classmethod
    def with_bundled_map(
        cls, settings: IngestSettings, writer: IndexWriter, uploads: UploadStore
    ) -> IngestService:
        """The service with the category map the settings name (else the bundled one)."""
        return cls(settings, writer, uploads, load_category_map(settings.category_map_path))

    def is_report(self, key: str) -> bool:
        return key.lstrip("/").startswith(self.settings.reports_prefix)

    @tracer.capture_method(capture_response=False)  # reports can be large; logs carry them
    def handle(self, event: ObjectEvent, deadline: Deadline) -> Report | None:
        """``_handle``; when it fails (the message is redelivered) a ``retrying`` report replaces
        any earlier one of the key, so a stale ``ok`` never stands (docs/ingestion.md, Reports).
        """
        try:
            return self._handle(event, deadline)
        except Exception as exc:
            if not self.is_report(event.key):
                key = report_key(self.settings.reports_prefix, event.key)
                retrying = retrying_report(event.bucket, event.key, exc).to_json()
                self.uploads.write_report(event.bucket, key, retrying)
            raise

    def _handle(self, event: ObjectEvent, deadline: Deadline) -> Report | None:
        """Process one object event and write its report; None when there was nothing to do.

        Raises OutOfTime and IndexUnavailable (the message is redelivered) and lets S3 outages
        propagate; an unreadable upload is *not* an exception: its report says why. An event
        older than the last one applied for its key, and the removal of a key that still has
        a current object, are nothing to do (``ingest/ownership.py``).
        """
        logger.set_correlation_id(event.upload)
        logger.append_keys(bucket=event.bucket, key=event.key, action=event.action)
        if self.is_report(event.key):
            logger.debug("ignoring an upload under the reports prefix")
            return None
        if self.rules is not None and self.rules.handles(event.key):
            self.rules.handle(event)
            return None
        record = self.writer.upload_record(event.upload, deadline)
        if ownership.is_stale(event, record):
            return None
        if event.action == "removed":
            removed = ownership.remove(event, record, self.writer, self.uploads, deadline)
            if removed is None:
                return None
            report = removed
        else:
            body = self.uploads.open(event.bucket, event.key)
            if body is None:
                logger.warning("object is gone before it could be read; nothing to index")
                return None
            holdings = ownership.Holdings(self.writer)
            try:
                report = ingest_stream(
                    body,
                    event.bucket,
                    event.key,
                    writer=holdings,
                    category_map=(
                        self.rules.category_map(self.category_map)
                        if self.rules is not None
                        else self.category_map
                    ),
                    deadline=deadline,
                    limits=self.settings.limits,
                    max_listed=self.settings.max_listed_rejections,
                    rng=self.rng,
                )
            except Exception:
                # Out of time or the index gone part-way: what was written is held all the same.
                ownership.settle_interrupted_put(event, record, holdings.ids, self.writer, deadline)
                raise
            finally:
                body.close()
            ownership.settle_put(event, record, holdings.ids, self.writer, deadline)
        report.finish()
        self.uploads.write_report(
            event.bucket, report_key(self.settings.reports_prefix, event.key), report.to_json()
        )
        telemetry.publish(report)
        logger.info(
            "object processed",
            extra={"status": report.status, "counts": report.counts, "error": report.error},
        )
        return report
