"""What an S3 event means for the articles: its order per key, and which objects hold what.

- **Order.** S3 delivers events late, twice and out of order; per key, the ``sequencer`` is the
  order. Each key's upload record keeps the sequencer of the last event applied; an event
  older than that is ignored. An equal one (a redelivery) is applied again, harmlessly.
- **Ownership.** The record lists the articles the object holds: those the index took from
  it (a refused or older copy is not held), recorded even when its put broke off. Removing
  the object unpublishes only those no other present object holds, and only if the key has no
  current object any more (S3 is asked): removing a noncurrent version
  (``ObjectRemoved:Delete`` with its ``versionId``) or a delete overtaken by a new upload
  leaves the articles alone. Deleting the version last read (``deletes_current_version``)
  reads the version current again in its place (``settle_restore``).
- **One at a time.** These reads and writes are not atomic: the service runs each event under
  the bucket's ingest lease (``ingest/lease.py``), so no two interleave. ``settle_put`` still
  yields to a newer event applied meanwhile (after a lease was lost).
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


def deletes_current_version(event: ObjectEvent, record: UploadRecord | None) -> bool:
    """Whether ``event`` deleted the very version the key's articles were last read from
    (``ObjectRemoved:Delete`` of the current version): the version before it is current again,
    or none is."""
    return (
        event.action == "removed"
        and event.version_id is not None
        and record is not None
        and record.present
        and record.version_id == event.version_id
    )


def settle_put(
    event: ObjectEvent,
    record: UploadRecord | None,
    held: Collection[str],
    writer: IndexWriter,
    deadline: Deadline,
    version_id: str | None = None,
) -> bool:
    """Record that the object now holds ``held`` too (every version's articles, while present).

    ``version_id``: the version read (else the event's). Written after the articles; if a
    newer event for the key was applied meanwhile (another invocation, which the bucket's
    lease should rule out), that record stands, and if it removed the object, what this put
    just published is released again. Returns False then: the newer event's report stands.
    """
    latest = writer.upload_record(event.upload, deadline)
    if _yield_to_newer(event, record, latest, held, writer, deadline):
        return False
    # Built on the record as it is now, not as this put found it: an older put handled at the
    # same time (another invocation) may have recorded what it published since.
    now = latest if latest is not None else record
    before = now.articles if now is not None and now.present else frozenset()
    writer.save_upload_record(
        UploadRecord(
            event.upload,
            True,
            before | frozenset(held),
            event.sequencer,
            version_id or event.version_id,
        ),
        deadline,
    )
    return True


def settle_restore(
    event: ObjectEvent,
    record: UploadRecord | None,
    holdings: Holdings,
    writer: IndexWriter,
    deadline: Deadline,
    version_id: str | None,
) -> bool:
    """``settle_put`` for the object that is current again after the current version was
    deleted (``deletes_current_version``): the key now holds that object's articles only.

    Kept: what the index took from it, and what it holds that the key held already (a copy
    skipped as older, the deleted version's newer edit). Released: the rest of what the key
    held, unless another present object holds it. Released before the record is saved, so a
    redelivery after a failure (the record still names the deleted version) does it again.
    Returns False when a newer event for the key was applied meanwhile.
    """
    latest = writer.upload_record(event.upload, deadline)
    if _yield_to_newer(event, record, latest, holdings.ids, writer, deadline):
        return False
    before = record.articles if record is not None and record.present else frozenset()
    holds = (before & frozenset(holdings.kept)) | frozenset(holdings.ids)
    released = writer.release_articles(event.upload, before - holds, deadline)
    logger.info(
        "released the articles only the deleted version held",
        extra={"released": released, "held": len(holds), "version_id": version_id},
    )
    writer.save_upload_record(
        UploadRecord(event.upload, True, holds, event.sequencer, version_id), deadline
    )
    return True


def _yield_to_newer(
    event: ObjectEvent,
    record: UploadRecord | None,
    latest: UploadRecord | None,
    held: Collection[str],
    writer: IndexWriter,
    deadline: Deadline,
) -> bool:
    """Whether a newer event for the key was applied while this one ran; if so, leave its
    record standing (releasing or recording what this event published) and return True."""
    if latest is None or latest == record or not is_older(event.sequencer, latest.sequencer):
        return False
    logger.warning(
        "a newer event for this key was applied while this one ran; its report stands",
        extra={"sequencer": event.sequencer, "applied": latest.sequencer},
    )
    if not latest.present:
        writer.release_articles(event.upload, held, deadline)
    elif not frozenset(held) <= latest.articles:
        # The object is still there and what this put published is in the index: the key
        # holds it too, so that deleting the key releases it.
        writer.save_upload_record(
            replace(latest, articles=latest.articles | frozenset(held)), deadline
        )
    return True


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
        # Articles of this object the index kept a newer copy of (``skipped_older``).
        self.kept: set[str] = set()

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
            elif isinstance(operation, IndexArticle) and outcome.result == "skipped_older":
                self.kept.add(operation.id)
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
