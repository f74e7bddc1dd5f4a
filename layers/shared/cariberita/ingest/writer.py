"""What ingest needs from the index: write article documents newer-wins, delete an upload's.

The port names the domain's needs and nothing of OpenSearch: ``OpenSearchIndexWriter``
(``ingest/opensearch_writer.py``) is the adapter, ``tests/support/fake_index_writer.py`` the
in-memory fake for unit tests. Versions are external: a write or delete whose version is lower
than the stored one is skipped, an equal one rewrites (so a redelivered message is harmless).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any, Literal, Protocol

from cariberita.errors import CariBeritaError

Result = Literal[
    "created", "updated", "deleted", "not_found", "skipped_older", "retryable", "rejected"
]


class IndexUnavailable(CariBeritaError):
    """The index cannot be reached or refused a whole request; the message is redelivered."""


@dataclass(frozen=True)
class IndexArticle:
    """Write ``document`` as article ``id`` unless the stored one has a higher ``version``."""

    id: str
    version: int
    document: dict[str, Any]


@dataclass(frozen=True)
class DeleteArticle:
    """Unpublish article ``id``; with a ``version``, only if the stored one is not newer."""

    id: str
    version: int | None = None


Operation = IndexArticle | DeleteArticle


@dataclass(frozen=True)
class ItemOutcome:
    """What happened to one operation.

    ``retryable``: the index was busy or failing for this item (429, 5xx, a lost connection);
    sending it again later may succeed. ``rejected``: it never will (``reason`` says why).
    A delete of an article that is not there is ``not_found``: deletes are idempotent.
    """

    result: Result
    reason: str | None = None


class IndexWriter(Protocol):
    """The articles index as ingest sees it."""

    @property
    def chunk_size(self) -> int:
        """How many operations one request carries at most (the read-ahead depth)."""
        ...

    def write(self, operations: Iterable[Operation]) -> Iterator[ItemOutcome]:
        """One outcome per operation, in the order given, sent in bounded chunks.

        ``operations`` is consumed lazily, one chunk at a time. Raises IndexUnavailable only
        when nothing can be said per item.
        """
        ...

    def delete_articles_of_upload(self, upload: str) -> int:
        """Delete every article whose current version came from ``upload`` (``bucket/key``).

        A newer copy of an article from another upload survives. Returns how many went.
        Raises IndexUnavailable when the index cannot be reached.
        """
        ...
