"""An in-memory ``IndexWriter``: external versions newer-wins and deletes, as OpenSearch does.

``version_type=external_gte`` semantics: a write with a version lower than the stored one is
skipped as older, an equal or higher one replaces it; a versioned delete of a newer article is
skipped, a delete of a missing one is ``not_found``. Faults are scripted per article id.
"""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from cariberita.articles.document import UPLOAD_FIELD
from cariberita.ingest.writer import (
    DeleteArticle,
    IndexArticle,
    IndexUnavailable,
    ItemOutcome,
    Operation,
)


@dataclass
class FakeIndexWriter:
    """Articles by id as ``(version, document)``; every request is recorded."""

    chunk_size: int = 1_000
    articles: dict[str, tuple[int, dict[str, Any]]] = field(default_factory=dict)
    requests: list[list[Operation]] = field(default_factory=list)
    unavailable: bool = False
    _faults: dict[str, deque[ItemOutcome]] = field(default_factory=lambda: defaultdict(deque))

    def fail(self, article_id: str, outcome: ItemOutcome, times: int = 1) -> None:
        """Answer the next ``times`` operations on ``article_id`` with ``outcome``."""
        self._faults[article_id].extend([outcome] * times)

    def documents(self) -> dict[str, dict[str, Any]]:
        return {article_id: doc for article_id, (_, doc) in self.articles.items()}

    def write(self, operations: Iterable[Operation]) -> Iterator[ItemOutcome]:
        chunk: list[Operation] = []
        for operation in operations:
            chunk.append(operation)
            if len(chunk) == self.chunk_size:
                yield from self._request(chunk)
                chunk = []
        if chunk:
            yield from self._request(chunk)

    def delete_articles_of_upload(self, upload: str) -> int:
        if self.unavailable:
            raise IndexUnavailable("unreachable")
        gone = [i for i, (_, doc) in self.articles.items() if doc.get(UPLOAD_FIELD) == upload]
        for article_id in gone:
            del self.articles[article_id]
        return len(gone)

    def _request(self, chunk: list[Operation]) -> list[ItemOutcome]:
        if self.unavailable:
            raise IndexUnavailable("unreachable")
        self.requests.append(list(chunk))
        return [self._apply(operation) for operation in chunk]

    def _apply(self, operation: Operation) -> ItemOutcome:
        if self._faults.get(operation.id):
            return self._faults[operation.id].popleft()
        stored = self.articles.get(operation.id)
        if isinstance(operation, IndexArticle):
            if stored is not None and operation.version < stored[0]:
                return ItemOutcome("skipped_older")
            self.articles[operation.id] = (operation.version, operation.document)
            return ItemOutcome("created" if stored is None else "updated")
        assert isinstance(operation, DeleteArticle)
        if stored is None:
            return ItemOutcome("not_found")
        if operation.version is not None and operation.version < stored[0]:
            return ItemOutcome("skipped_older")
        del self.articles[operation.id]
        return ItemOutcome("deleted")
