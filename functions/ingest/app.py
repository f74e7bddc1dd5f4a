"""Ingest function: S3 uploads, notified through SQS, become articles.

Each message is processed on its own and failures are reported back per message (partial
batch response), so one bad upload never re-drives the good ones.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from aws_lambda_powertools.utilities.batch import (
    BatchProcessor,
    EventType,
    process_partial_response,
)
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.typing import LambdaContext
from cariberita.ingest.deadline import Deadline
from cariberita.ingest.events import ObjectEvent, UnknownEvent, is_sqs_batch, object_events
from cariberita.ingest.lease import Leases
from cariberita.ingest.opensearch_lease import OpenSearchLeaseStore
from cariberita.ingest.opensearch_writer import OpenSearchIndexWriter
from cariberita.ingest.service import IngestService
from cariberita.ingest.settings import IngestSettings
from cariberita.ingest.uploads import S3UploadStore
from cariberita.observability import logger, metrics, tracer
from cariberita.opensearch_client import NO_RETRIES, get_client
from cariberita.rules.opensearch_store import OpenSearchArticleIds, OpenSearchRulesStore
from cariberita.rules.uploads import RulesUploads

# Every failed message is listed, even when all failed: SQS redelivers exactly those either way.
processor = BatchProcessor(event_type=EventType.SQS, raise_on_entire_batch_failure=False)


@lru_cache(maxsize=4)
def service_for(settings: IngestSettings) -> IngestService:
    """The service with the real index writer and upload store, built once per container."""
    # No transport retries: cariberita.ingest.retries backs off within the invocation's time.
    writer = OpenSearchIndexWriter(
        get_client(settings, NO_RETRIES),
        settings.articles_index,
        max_chunk_bytes=settings.bulk_max_bytes,
        max_chunk_actions=settings.bulk_max_actions,
        request_timeout_s=settings.bulk_timeout_s,
        small_request_timeout_s=settings.opensearch_timeout_s,
    )
    client = get_client(settings)
    uploads = S3UploadStore()
    service = IngestService.with_bundled_map(settings, writer, uploads)
    # One invocation at a time works on the bucket's upload records and articles.
    service.leases = Leases(
        OpenSearchLeaseStore(
            get_client(settings, NO_RETRIES),
            settings.articles_index,
            timeout_s=settings.opensearch_timeout_s,
        ),
        ttl_ms=settings.lease_ttl_s * 1000,
    )
    # Editors' rules documents uploaded under rules/ (cariberita.rules, docs/editors.md).
    service.rules = RulesUploads(
        OpenSearchRulesStore(client, settings.articles_index),
        OpenSearchArticleIds(client, settings.articles_index),
        uploads,
        settings.reports_prefix,
        # The notes on a rules upload compare with the map this stack's ingest really uses.
        shipped=service.category_map,
    )
    return service


def _events(payload: Any) -> list[ObjectEvent]:
    try:
        return object_events(payload)
    except UnknownEvent as exc:
        # Retrying cannot make an unreadable event readable: log it and acknowledge.
        logger.error("ignoring an event that is not an S3 object event", extra={"why": str(exc)})
        return []


# Same order in every handler: logger outermost, then metrics, then tracer.
@logger.inject_lambda_context(clear_state=True)
@metrics.log_metrics
@tracer.capture_lambda_handler
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    settings = IngestSettings.from_env()
    service = service_for(settings)
    deadline = Deadline(context, settings.time_margin_ms)

    if not is_sqs_batch(event):
        # The template delivers uploads through SQS only; anything else cannot be retried into
        # something readable, so it is logged and acknowledged.
        logger.error("ignoring an event that is not an SQS batch")
        return {"batchItemFailures": []}

    def handle_message(record: SQSRecord) -> None:
        # LeaseBusy, like OutOfTime, fails this message alone: SQS delivers it again.
        for item in _events(record.body):
            service.handle(item, deadline)

    return dict(
        process_partial_response(
            event=event, record_handler=handle_message, processor=processor, context=context
        )
    )
