"""What the ingest function does with one object event: index or delete, then report."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from opensearchpy import OpenSearch

from cariberita import storage
from cariberita.articles.categories import CategoryMap, load_category_map
from cariberita.ingest import telemetry
from cariberita.ingest.bulk import BulkWriter
from cariberita.ingest.deadline import Deadline
from cariberita.ingest.deletes import delete_from_source
from cariberita.ingest.events import ObjectEvent
from cariberita.ingest.pipeline import ingest_stream
from cariberita.ingest.report import Report, report_key
from cariberita.ingest.settings import IngestSettings
from cariberita.observability import logger, tracer


@dataclass
class IngestService:
    settings: IngestSettings
    client: OpenSearch
    s3: Any = None
    category_map: CategoryMap | None = None

    def __post_init__(self) -> None:
        if self.category_map is None:
            self.category_map = load_category_map(self.settings.category_map_path)

    def is_report(self, key: str) -> bool:
        return key.lstrip("/").startswith(self.settings.reports_prefix)

    @tracer.capture_method(capture_response=False)  # reports can be large; logs carry them
    def handle(self, event: ObjectEvent, deadline: Deadline) -> Report | None:
        """Process one object event; None when there was nothing to do.

        Raises OutOfTime (the message is redelivered) and lets OpenSearch/S3 outages propagate;
        an unreadable object is *not* an exception: its report says why.
        """
        logger.set_correlation_id(event.source)
        logger.append_keys(bucket=event.bucket, key=event.key, action=event.action)
        if self.is_report(event.key):
            logger.debug("ignoring an upload under the reports prefix")
            return None
        if event.action == "removed":
            report = Report(event.bucket, event.key, removed=True)
            report.counts["deleted"] = delete_from_source(
                self.client, self.settings.articles_index, event.source
            )
        else:
            body = storage.open_object(event.bucket, event.key, self.s3)
            if body is None:
                logger.warning("object is gone before it could be read; nothing to index")
                return None
            writer = BulkWriter(
                self.client,
                deadline,
                max_chunk_bytes=self.settings.bulk_max_bytes,
                max_chunk_actions=self.settings.bulk_max_actions,
                request_timeout_s=self.settings.bulk_timeout_s,
                index=self.settings.articles_index,
            )
            try:
                report = ingest_stream(
                    body,
                    event.bucket,
                    event.key,
                    alias=self.settings.articles_index,
                    writer=writer,
                    category_map=self.category_map or CategoryMap(),
                    limits=self.settings.limits,
                    max_listed=self.settings.max_listed_rejections,
                )
            finally:
                body.close()
        report.finish()
        storage.put_text(
            event.bucket,
            report_key(self.settings.reports_prefix, event.key),
            report.to_json(),
            self.s3,
        )
        telemetry.publish(report)
        logger.info(
            "object processed",
            extra={"status": report.status, "counts": report.counts, "error": report.error},
        )
        return report
