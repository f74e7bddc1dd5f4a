"""What the ingest function does with one object event: index or delete, then report."""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from cariberita.articles.categories import CategoryMap, load_category_map
from cariberita.ingest import ownership, telemetry
from cariberita.ingest.deadline import Deadline
from cariberita.ingest.events import ObjectEvent
from cariberita.ingest.lease import LeaseLost, Leases
from cariberita.ingest.pipeline import ingest_stream
from cariberita.ingest.report import Report, covers, report_key, retrying_report
from cariberita.ingest.settings import IngestSettings
from cariberita.ingest.uploads import CurrentObject, UploadStore
from cariberita.ingest.writer import IndexWriter, UploadRecord
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
    # The bucket's ingest lease (the handler's: in <alias>-uploads); None: no lease (tools).
    leases: Leases | None = None

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
        """``_handle``, under the bucket's ingest lease (``ingest/lease.py``) when the service
        has ``leases``: no other invocation reads or writes upload records and articles at the
        same time. Raises LeaseBusy when the lease stayed held as long as it could wait (the
        message is redelivered; nothing was done, no report written).
        """
        logger.set_correlation_id(event.upload)
        logger.append_keys(bucket=event.bucket, key=event.key, action=event.action)
        if self.is_report(event.key):
            logger.debug("ignoring an upload under the reports prefix")
            return None
        if self.leases is None or (self.rules is not None and self.rules.handles(event.key)):
            return self._reported(event, deadline)
        with self.leases.hold(event.bucket, deadline) as lease:
            return self._reported(event, deadline.kept_by(lease.keep))

    def _reported(self, event: ObjectEvent, deadline: Deadline) -> Report | None:
        """``_handle``; when it fails (the message is redelivered) a ``retrying`` report replaces
        any earlier one of the key, so a stale ``ok`` never stands (docs/ingestion.md, Reports).
        Not when the lease was lost: the invocation that took it over is in charge now. Nor
        over a newer event's report: a late, older event that fails (the index unreachable
        before it could learn that it is stale) would hide the newer upload's outcome, and its
        redelivery, found stale, writes nothing to put it back.
        """
        try:
            return self._handle(event, deadline)
        except LeaseLost:
            raise
        except Exception as exc:
            key = report_key(self.settings.reports_prefix, event.key)
            # Without a sequencer there is no order to keep: no read.
            stored = self._stored_report(event.bucket, key) if event.sequencer else None
            if covers(event.sequencer, stored):
                retrying = retrying_report(event.bucket, event.key, exc, event.sequencer)
                self.uploads.write_report(event.bucket, key, retrying.to_json())
            else:
                logger.info(
                    "a newer event's report stands; this older event's failure is not reported",
                    extra={"sequencer": event.sequencer},
                )
            raise

    def _stored_report(self, bucket: str, key: str) -> str | None:
        """The key's report as it stands, or None when it cannot be read: then the failure is
        reported as before (the delivery's own error is what is raised, not this one's)."""
        try:
            return self.uploads.read_report(bucket, key)
        except Exception:
            logger.warning("the key's report could not be read", exc_info=True)
            return None

    def _handle(self, event: ObjectEvent, deadline: Deadline) -> Report | None:
        """Process one object event and write its report; None when there was nothing to do.

        Raises OutOfTime and IndexUnavailable (the message is redelivered) and lets S3 outages
        propagate; an unreadable upload is *not* an exception: its report says why. An event
        older than the last one applied for its key, a put of a version that is no longer
        current, and the removal of a key that still has a current object (unless the removal
        deleted the version last read: then the version current again is read in its place)
        are nothing to do (``ingest/ownership.py``). When a newer event for the key was
        applied while this one ran, this one's report is not written: the newer one stands.
        """
        if self.rules is not None and self.rules.handles(event.key):
            self.rules.handle(event)
            return None
        record = self.writer.upload_record(event.upload, deadline)
        if ownership.is_stale(event, record):
            return None
        report: Report | None
        if ownership.deletes_current_version(event, record):
            current = self.uploads.open_current(event.bucket, event.key)
            if current is not None:
                logger.info(
                    "the current version was deleted; the version current again is read",
                    extra={"deleted": event.version_id, "current": current.version_id},
                )
                report = self._put(event, record, current, deadline, restore=True)
            else:
                report = ownership.remove(event, record, self.writer, self.uploads, deadline)
        elif event.action == "removed":
            report = ownership.remove(event, record, self.writer, self.uploads, deadline)
        else:
            current = self.uploads.open_current(event.bucket, event.key)
            if current is None:
                logger.warning("object is gone before it could be read; nothing to index")
                return None
            if None not in (event.version_id, current.version_id) and (
                event.version_id != current.version_id
            ):
                current.body.close()
                logger.info(
                    "this version is no longer the current object; its successor's event "
                    "publishes that",
                    extra={"version_id": event.version_id, "current": current.version_id},
                )
                return None
            report = self._put(event, record, current, deadline)
        if report is None:
            return None
        report.sequencer = event.sequencer
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

    def _put(
        self,
        event: ObjectEvent,
        record: UploadRecord | None,
        current: CurrentObject,
        deadline: Deadline,
        *,
        restore: bool = False,
    ) -> Report | None:
        """Index the current object and record what the key holds; None when a newer event
        for the key was applied meanwhile (its report stands). ``restore``: the object is
        current again after the current version was deleted (``ownership.settle_restore``)."""
        holdings = ownership.Holdings(self.writer)
        try:
            report = ingest_stream(
                current.body,
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
        except LeaseLost:
            raise  # another invocation is in charge: this one writes nothing more
        except Exception:
            # Out of time or the index gone part-way: what was written is held all the same.
            ownership.settle_interrupted_put(event, record, holdings.ids, self.writer, deadline)
            raise
        finally:
            current.body.close()
        if restore:
            settled = ownership.settle_restore(
                event, record, holdings, self.writer, deadline, current.version_id
            )
        else:
            settled = ownership.settle_put(
                event, record, holdings.ids, self.writer, deadline, current.version_id
            )
        if not settled:
            telemetry.publish(report.finish())
            return None
        return report
