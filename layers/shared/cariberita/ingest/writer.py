"""What ingest needs from the index: articles newer-wins, retractions, which upload holds what.

The port names the domain's needs and nothing of OpenSearch: ``OpenSearchIndexWriter``
(``ingest/opensearch_writer.py``) is the adapter, ``tests/support/fake_index_writer.py`` the
in-memory fake for unit tests. Versions are external: a write or delete whose version is lower
than the stored one is skipped, an equal one rewrites (so a redelivered message is harmless).

Every method takes the invocation's ``deadline``: no request it sends may outlast it.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal, Protocol

from cariberita.articles.dates import version_millis
from cariberita.errors import CariBeritaError
from cariberita.ingest.deadline import Deadline

Result = Literal[
    "created", "updated", "deleted", "not_found", "skipped_older", "retryable", "rejected"
]


class IndexUnavailable(CariBeritaError):
    """The index cannot be reached, refused a whole request, or its alias is missing; the
    message is redelivered."""


@dataclass(frozen=True)
class IndexArticle:
    """Write ``document`` as article ``id`` unless the stored one, or a retraction, is newer."""

    id: str
    version: int
    document: dict[str, Any]


@dataclass(frozen=True)
class DeleteArticle:
    """Retract article ``id`` for good: it and every copy up to ``version`` stay unpublished.

    Without a version the retraction covers every copy dated up to the moment it is written.
    A stored article newer than the retraction survives (``skipped_older``).
    """

    id: str
    version: int | None = None


Operation = IndexArticle | DeleteArticle


def retraction_version(operation: DeleteArticle) -> int:
    """The version a retraction is written with: its own, else now (on the articles' scale)."""
    if operation.version is not None:
        return operation.version
    return version_millis(datetime.now(UTC))


@dataclass(frozen=True)
class ItemOutcome:
    """What happened to one operation.

    ``retryable``: the index was busy or failing for this item (429, 5xx, a lost connection);
    sending it again later may succeed. ``rejected``: it never will (``reason`` says why).
    A delete of an article that is not there is ``not_found``: deletes are idempotent. A copy
    of a retracted article at or below the retraction's version is ``skipped_older``.
    """

    result: Result
    reason: str | None = None


@dataclass(frozen=True)
class UploadRecord:
    """What ingest last applied for one object ``upload`` (``bucket/key``).

    ``sequencer`` is the S3 sequencer of that event (None when the event had none);
    ``present`` is False once the object was removed; ``articles`` are the ids the object
    holds (every valid article of every version of it ingested while it stayed present).
    """

    upload: str
    present: bool
    articles: frozenset[str] = frozenset()
    sequencer: str | None = None
    version_id: str | None = None


class IndexWriter(Protocol):
    """The articles index as ingest sees it."""

    @property
    def chunk_size(self) -> int:
        """How many operations one request carries at most (the read-ahead depth)."""
        ...

    def write(
        self, operations: Iterable[Operation], deadline: Deadline | None = None
    ) -> Iterator[ItemOutcome]:
        """One outcome per operation, in the order given, sent in bounded chunks.

        ``operations`` is consumed lazily, one chunk at a time. Retractions are durable: a
        copy at or below a retraction's version is ``skipped_older`` however late it comes.
        Raises IndexUnavailable only when nothing can be said per item (unreachable, alias
        missing).
        """
        ...

    def upload_record(self, upload: str, deadline: Deadline | None = None) -> UploadRecord | None:
        """The record of ``upload``, or None if ingest never applied an event for it."""
        ...

    def save_upload_record(self, record: UploadRecord, deadline: Deadline | None = None) -> None:
        """Store ``record`` (replacing the previous one of its upload)."""
        ...

    def release_articles(
        self, upload: str, article_ids: Collection[str], deadline: Deadline | None = None
    ) -> int:
        """Unpublish those of ``article_ids`` that no present upload other than ``upload``
        holds (not a retraction: uploading them again publishes them). Returns how many went.
        """
        ...

    def delete_articles_of_upload(self, upload: str, deadline: Deadline | None = None) -> int:
        """Delete every article whose current version came from ``upload`` (``bucket/key``).

        For objects ingested before upload records existed. A newer copy of an article from
        another upload survives. Returns how many went.
        """
        ...
