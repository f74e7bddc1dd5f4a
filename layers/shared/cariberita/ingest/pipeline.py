"""One upload -> parsed records -> validated articles -> index operations -> a report.

Newer wins: each article is written with its ``updated_at`` (else ``published_at``) in epoch
milliseconds as an external version, so a late retry of an old batch is skipped as older
instead of overwriting a newer edit, while re-uploading the same batch rewrites the same
documents (same ids, same versions).
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import BinaryIO

from cariberita.articles.categories import CategoryMap
from cariberita.articles.document import to_document
from cariberita.articles.model import Tombstone
from cariberita.articles.parsers import (
    Limits,
    OverLimit,
    RawRecord,
    UnparseableObject,
    open_records,
)
from cariberita.articles.validation import article_from_record
from cariberita.errors import InvalidArticle
from cariberita.ingest.deadline import Deadline
from cariberita.ingest.prefetch import prefetch
from cariberita.ingest.report import Report
from cariberita.ingest.retries import RetryingWriter
from cariberita.ingest.writer import (
    DeleteArticle,
    IndexArticle,
    IndexWriter,
    ItemOutcome,
    Operation,
)

Position = tuple[str, int, str]  # (unit, position, article id)
# The deadline is read every this many records while parsing (and per 64 KiB chunk read).
CHECK_EVERY = 100


def _operations(
    records: Iterator[RawRecord],
    report: Report,
    upload: str,
    category_map: CategoryMap,
    deadline: Deadline | None = None,
) -> Iterator[tuple[Operation, Position]]:
    # A dry run's stamp; the OpenSearch writer stamps each bulk request again when it sends it
    # (a reindex's catch-up looks for late writes by it, and this runs up to 300 s earlier).
    ingested_at = datetime.now(UTC)
    first_of: dict[str, int] = {}  # id -> position of the object's first record with it
    for raw in records:
        if raw.stop is not None:
            report.stop_reading(raw.stop, raw.unit, raw.position, raw.error or raw.stop)
            return
        report.counts["received"] += 1
        if deadline is not None and report.counts["received"] % CHECK_EVERY == 0:
            deadline.check("read more records")
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
        first = first_of.setdefault(item.id, raw.position)
        if first != raw.position:
            report.repeat(raw.unit, raw.position, item.id, first)
        position: Position = (raw.unit, raw.position, item.id)
        if isinstance(item, Tombstone):
            yield DeleteArticle(item.id, item.version), position
        else:
            document = to_document(item, upload, category_map, ingested_at)
            yield IndexArticle(item.id, item.version, document), position


def _count(report: Report, outcome: ItemOutcome, position: Position) -> None:
    unit, number, article_id = position
    if outcome.result == "created":
        report.counts["indexed"] += 1
    elif outcome.result == "updated":
        report.counts["updated"] += 1
    elif outcome.result in ("deleted", "not_found"):
        report.counts["deleted"] += 1
    elif outcome.result == "skipped_older":
        report.counts["skipped_older"] += 1
    else:
        report.counts["valid"] -= 1
        report.reject(unit, number, f"not indexed: {outcome.reason}", article_id)


def ingest_stream(
    raw: BinaryIO,
    bucket: str,
    key: str,
    *,
    writer: IndexWriter | None,
    category_map: CategoryMap,
    deadline: Deadline | None = None,
    limits: Limits | None = None,
    max_listed: int = 1_000,
    rng: random.Random | None = None,
) -> Report:
    """Parse, validate and (unless ``writer`` is None: a dry run) index one upload.

    Bad records are rejected in the report and never stop their neighbours. Where the object
    breaks off (a syntax error in a JSON array, a truncated gzip) or goes over a per-object
    cap, everything before is indexed and the report says where reading stopped (status
    ``incomplete`` / ``over_limit``). An unreadable upload yields a report with ``error``
    (status ``unparseable``), not an exception, so it is acknowledged rather than retried
    forever. Whatever the outcome, received = indexed + updated + skipped_older + deleted +
    rejected + not_read. Raises OutOfTime when the invocation runs out of time (checked while
    reading too) and IndexUnavailable when the index cannot be reached: the message is
    redelivered.
    """
    report = Report(bucket, key, max_listed=max_listed, dry_run=writer is None)
    stream = None
    check = deadline.check if deadline is not None else None
    try:
        stream, report.format, records = open_records(raw, key, limits, check)
        operations = _operations(records, report, f"{bucket}/{key}", category_map, deadline)
        if writer is None:
            for _ in operations:
                pass
        else:
            retrying = RetryingWriter(writer, deadline or Deadline(), rng)
            # Parsing runs one chunk ahead in a thread; it alone touches received/valid and
            # the rejections until it ends, so refused writes are counted once it has.
            refused: list[tuple[ItemOutcome, Position]] = []
            for outcome, position in retrying.write(prefetch(operations, writer.chunk_size)):
                if outcome.result == "rejected":
                    refused.append((outcome, position))
                else:
                    _count(report, outcome, position)
            for outcome, position in refused:
                _count(report, outcome, position)
            report.retried = retrying.retried
    except OverLimit as exc:
        report.refuse(str(exc), over_limit=True)
    except UnparseableObject as exc:
        report.refuse(str(exc))
    finally:
        report.bytes_read = stream.bytes_read if stream is not None else 0
    return report.finish()
