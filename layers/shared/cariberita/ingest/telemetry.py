"""Metrics for one processed object, from its report (one place, so names stay consistent)."""

from __future__ import annotations

from aws_lambda_powertools.metrics import MetricUnit

from cariberita.ingest.report import Report
from cariberita.observability import metrics

_COUNTS = {
    "indexed": "ArticlesIndexed",
    "updated": "ArticlesUpdated",
    "skipped_older": "ArticlesSkippedOlder",
    "deleted": "ArticlesDeleted",
    "rejected": "ArticlesRejected",
}


def publish(report: Report) -> None:
    for field, name in _COUNTS.items():
        metrics.add_metric(name=name, unit=MetricUnit.Count, value=report.counts[field])
    metrics.add_metric(name="ArticlesRetried", unit=MetricUnit.Count, value=report.retried)
    metrics.add_metric(name="BytesRead", unit=MetricUnit.Bytes, value=report.bytes_read)
    metrics.add_metric(
        name="ObjectDuration", unit=MetricUnit.Milliseconds, value=report.duration_ms
    )
    if report.error:
        metrics.add_metric(name="ObjectsUnparseable", unit=MetricUnit.Count, value=1)


# The bucket's ingest lease (ingest/lease.py; docs/ingestion.md, "Ownership").
def lease_waited(waited_ms: int) -> None:
    metrics.add_metric(name="LeaseWaited", unit=MetricUnit.Milliseconds, value=waited_ms)


def lease_busy(waited_ms: int) -> None:
    metrics.add_metric(name="LeaseBusy", unit=MetricUnit.Count, value=1)
    metrics.add_metric(name="LeaseWaited", unit=MetricUnit.Milliseconds, value=waited_ms)


def lease_taken_over() -> None:
    metrics.add_metric(name="LeaseTakenOver", unit=MetricUnit.Count, value=1)


def lease_lost() -> None:
    metrics.add_metric(name="LeaseLost", unit=MetricUnit.Count, value=1)
