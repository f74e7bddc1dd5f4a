"""What an S3 event means for the articles: its order per key, and which objects hold what.

- **Order.** S3 delivers events late, twice and out of order; per key, the ``sequencer`` is the
  order. Each key's upload record keeps the sequencer of the last event applied; an event
  older than that is ignored. An equal one (a redelivery) is applied again, harmlessly.
- **Ownership.** The record lists the articles the object holds: those the index took from
  it (a refused or older copy is not held), recorded even when its put broke off. Removing
  the object unpublishes only those no other present object holds, and only if the key has no
  current object any more (S3 is asked): removing a noncurrent version
  (``ObjectRemoved:Delete`` with its ``versionId``) or a delete overtaken by a new upload
  leaves the articles alone.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Collection, Iterable, Iterator
from dataclasses import replace

from cariberita.ingest.deadline import Deadline, OutOfTime
from cariberita.ingest.events import ObjectEvent, is_older
from cariberita.ingest.report import Report
from cariberita.ingest.uploads import UploadStore
from cariberita.ingest.writer import (
    IndexArticle,
    IndexUnavailable,
    IndexWriter,
    ItemOutcome,
    Operation,
    Result,
    UploadRecord,
)
from cariberita.observability import logger


def is_stale(event: ObjectEvent, record: UploadRecord | None) -> bool:
    """Whether a newer event for the same key was applied already (then ``event`` is ignored)."""
    if record is None or not is_older(event.sequencer, record.sequencer):
        return False
    logger.info(
        "ignoring an event older than the last one applied for this key",
        extra={"sequencer": event.sequencer, "applied": record.sequencer},
    )
    return True


def remove(
    event: ObjectEvent,
    record: UploadRecord | None,
    writer: IndexWriter,
    uploads: UploadStore,
    deadline: Deadline,
) -> Report | None:
    """Unpublish what only the removed object held; None if the key still has an object."""
    if uploads.exists(event.bucket, event.key):
        # Only a noncurrent version went, or the key was uploaded again since (that upload's
        # own event follows): the current object holds the articles.
        logger.info(
            "the key still has a current object; its articles stay",
            extra={"version_id": event.version_id},
        )
        return None
    report = Report(event.bucket, event.key, removed=True)
    if record is None:  # ingested before upload records existed: by the documents' source
        report.counts["deleted"] = writer.delete_articles_of_upload(event.upload, deadline)
    else:
        held = record.articles if record.present else frozenset()
        report.counts["deleted"] = writer.release_articles(event.upload, held, deadline)
    writer.save_upload_record(
        UploadRecord(event.upload, False, frozenset(), event.sequencer, event.version_id), deadline
    )
    return report


def settle_put(
    event: ObjectEvent,
    record: UploadRecord | None,
    held: Collection[str],
    writer: IndexWriter,
    deadline: Deadline,
) -> None:
    """Record that the object now holds ``held`` too (every version's articles, while present).

    Written after the articles; if a newer event for the key was applied meanwhile (another
    invocation), that record stands, and if it removed the object, what this put just
    published is released again.
    """
    latest = writer.upload_record(event.upload, deadline)
    if latest is not None and latest != record and is_older(event.sequencer, latest.sequencer):
        logger.warning("a newer event for this key was applied while this one ran")
        if not latest.present:
            writer.release_articles(event.upload, held, deadline)
        elif not frozenset(held) <= latest.articles:
            # The object is still there and what this put published is in the index: the key
            # holds it too, so that deleting the key releases it.
            writer.save_upload_record(
                replace(latest, articles=latest.articles | frozenset(held)), deadline
            )
        return
    # Built on the record as it is now, not as this put found it: an older put handled at the
    # same time (another invocation) may have recorded what it published since.
    now = latest if latest is not None else record
    before = now.articles if now is not None and now.present else frozenset()
    writer.save_upload_record(
        UploadRecord(
            event.upload, True, before | frozenset(held), event.sequencer, event.version_id
        ),
        deadline,
    )


# The outcomes after which the index stores this key's copy. ``created``/``updated``: it was
# written; versions are ``external_gte``, so an equal version rewrites (``updated``) and a
# redelivery, or a second key with the same content, holds the article too (deleting either key
# leaves it while the other is present). Not held: ``skipped_older`` (the stored copy or a
# retraction is newer, so another key or an editor put it there), ``rejected`` (never stored)
# and ``retryable`` (not final: ``RetryingWriter`` sends it again through ``Holdings``, and if
# time runs out the redelivery rewrites it at the same version and holds it then). Retractions
# (``deleted``/``not_found``) are not holdings.
HELD_RESULTS: frozenset[Result] = frozenset({"created", "updated"})


def settle_interrupted_put(
    event: ObjectEvent,
    record: UploadRecord | None,
    held: Collection[str],
    writer: IndexWriter,
    deadline: Deadline,
) -> None:
    """``settle_put`` for a put that failed part-way (OutOfTime, an outage; it is redelivered).

    What it did write is recorded as held now: a delete handled before the redelivery (which
    is then stale and writes nothing) must release it. The record takes this put's sequencer,
    and an equal one is applied again, so the redelivery still runs. Best effort: when the
    record cannot be saved either, that is logged and the put's own error propagates.
    """
    if not held:
        return
    try:
        settle_put(event, record, held, writer, deadline)
    except (IndexUnavailable, OutOfTime) as exc:
        logger.warning(
            "the articles an interrupted put wrote were not recorded",
            extra={"error": f"{type(exc).__name__}: {exc}"[:300], "held": len(held)},
        )


class Holdings:
    """An ``IndexWriter`` that notes the id of every article the index took from it.

    Ids come from the outcomes (``HELD_RESULTS``), not from what was sent: a copy the index
    refused must not keep the article published once its real publisher is deleted. They are
    noted as each outcome arrives, so a put that breaks off still knows what it wrote.
    """

    def __init__(self, writer: IndexWriter) -> None:
        self.writer = writer
        self.ids: set[str] = set()

    @property
    def chunk_size(self) -> int:
        return self.writer.chunk_size

    def write(
        self, operations: Iterable[Operation], deadline: Deadline | None = None
    ) -> Iterator[ItemOutcome]:
        # The port answers one outcome per operation, in order: pair them as they come.
        sent: deque[Operation] = deque()

        def note(ops: Iterable[Operation]) -> Iterator[Operation]:
            for operation in ops:
                sent.append(operation)
                yield operation

        for outcome in self.writer.write(note(operations), deadline):
            operation = sent.popleft()
            if isinstance(operation, IndexArticle) and outcome.result in HELD_RESULTS:
                self.ids.add(operation.id)
            yield outcome

    def upload_record(self, upload: str, deadline: Deadline | None = None) -> UploadRecord | None:
        return self.writer.upload_record(upload, deadline)

    def save_upload_record(self, record: UploadRecord, deadline: Deadline | None = None) -> None:
        self.writer.save_upload_record(record, deadline)

    def release_articles(
        self, upload: str, article_ids: Collection[str], deadline: Deadline | None = None
    ) -> int:
        return self.writer.release_articles(upload, article_ids, deadline)

    def delete_articles_of_upload(self, upload: str, deadline: Deadline | None = None) -> int:
        return self.writer.delete_articles_of_upload(upload, deadline)
