"""One object -> parsed records -> validated articles -> bulk actions -> a report.

Newer wins: each article is written with ``version_type=external_gte`` and its
``updated_at`` (else ``published_at``) in epoch milliseconds as version, so a late retry of
an old batch gets a 409 from OpenSearch ("skipped as older") instead of overwriting a newer
edit, while re-uploading the same batch rewrites the same documents (same ids, same versions).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any, BinaryIO

from cariberita.articles.categories import CategoryMap
from cariberita.articles.document import to_document
from cariberita.articles.model import Tombstone
from cariberita.articles.parsers import Limits, RawRecord, UnparseableObject, open_records
from cariberita.articles.records import article_from_record
from cariberita.errors import InvalidArticle
from cariberita.ingest.bulk import BulkWriter, Outcome
from cariberita.ingest.prefetch import prefetch
from cariberita.ingest.report import Report

Meta = tuple[str, int, str]  # (unit, position, article id)


def _actions(
    records: Iterator[RawRecord],
    report: Report,
    source: str,
    alias: str,
    category_map: CategoryMap,
) -> Iterator[tuple[dict[str, Any], Meta]]:
    ingested_at = datetime.now(UTC)
    for raw in records:
        report.counts["received"] += 1
        if raw.error:
            report.reject(raw.unit, raw.position, raw.error)
            continue
        try:
            item = article_from_record(raw.data)
        except InvalidArticle as exc:
            given = raw.data.get("id") if isinstance(raw.data, dict) else None
            report.reject(
                raw.unit, raw.position, str(exc), given if isinstance(given, str) else None
            )
            continue
        report.counts["valid"] += 1
        meta: Meta = (raw.unit, raw.position, item.id)
        if isinstance(item, Tombstone):
            action: dict[str, Any] = {"_op_type": "delete", "_index": alias, "_id": item.id}
            if item.version is not None:
                action.update(version=item.version, version_type="external_gte")
        else:
            action = {
                "_op_type": "index",
                "_index": alias,
                "_id": item.id,
                "version": item.version,
                "version_type": "external_gte",
                "_source": to_document(item, source, category_map, ingested_at),
            }
        yield action, meta


def _count(report: Report, outcome: Outcome) -> None:
    unit, position, article_id = outcome.meta
    if outcome.result == "created":
        report.counts["indexed"] += 1
    elif outcome.result == "updated":
        report.counts["updated"] += 1
    elif outcome.result in ("deleted", "not_found"):
        report.counts["deleted"] += 1
    elif outcome.result == "conflict":
        report.counts["skipped_older"] += 1
    else:
        report.counts["valid"] -= 1
        report.reject(unit, position, f"not indexed: {outcome.reason}", article_id)


def ingest_stream(
    raw: BinaryIO,
    bucket: str,
    key: str,
    *,
    alias: str,
    writer: BulkWriter | None,
    category_map: CategoryMap,
    limits: Limits | None = None,
    max_listed: int = 1_000,
) -> Report:
    """Parse, validate and (unless ``writer`` is None: a dry run) index one object.

    Bad records are rejected in the report and never stop their neighbours. An unreadable
    object yields a report with ``error`` (status ``unparseable``), not an exception, so it
    is acknowledged rather than retried forever. Raises OutOfTime (from the writer) when the
    invocation runs out of time.
    """
    report = Report(bucket, key, max_listed=max_listed, dry_run=writer is None)
    stream = None
    try:
        stream, report.format, records = open_records(raw, key, limits)
        actions = _actions(records, report, f"{bucket}/{key}", alias, category_map)
        if writer is None:
            for _ in actions:
                pass
        else:
            # Parsing runs one chunk ahead in a thread; it alone touches received/valid and
            # the rejections until it ends, so failed writes are counted once it has.
            failed: list[Outcome] = []
            for outcome in writer.write(prefetch(actions, writer.max_chunk_actions)):
                if outcome.result == "error":
                    failed.append(outcome)
                else:
                    _count(report, outcome)
            for outcome in failed:
                _count(report, outcome)
            report.retried = writer.retried
    except UnparseableObject as exc:
        report.error = str(exc)
    finally:
        report.bytes_read = stream.bytes_read if stream is not None else 0
    return report.finish()
