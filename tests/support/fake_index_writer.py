"""An in-memory ``IndexWriter``: newer-wins, durable retractions and upload records.

As the OpenSearch adapter: ``version_type=external_gte`` (a write with a version lower than the
stored one is skipped as older, an equal or higher one replaces it); a retraction is kept for
good (``<alias>-tombstones``) and any copy at or below its version is ``skipped_older``; a
delete of a missing article is ``not_found``. Releasing an upload's articles spares those
another present upload holds. Faults are scripted per article id.
"""

from __future__ import annotations

import threading
from collections import defaultdict, deque
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from cariberita.articles.document import UPLOAD_FIELD
from cariberita.ingest.deadline import Deadline
from cariberita.ingest.lease import LeaseState, Token
from cariberita.ingest.writer import (
    DeleteArticle,
    IndexArticle,
    IndexUnavailable,
    ItemOutcome,
    Operation,
    UploadRecord,
    retraction_version,
)


@dataclass
class FakeIndexWriter:
    """Articles by id as ``(version, document)``; every bulk request is recorded."""

    chunk_size: int = 1_000
    articles: dict[str, tuple[int, dict[str, Any]]] = field(default_factory=dict)
    retractions: dict[str, int] = field(default_factory=dict)
    records: dict[str, UploadRecord] = field(default_factory=dict)
    requests: list[list[Operation]] = field(default_factory=list)
    unavailable: bool = False
    _faults: dict[str, deque[ItemOutcome]] = field(default_factory=lambda: defaultdict(deque))

    def fail(self, article_id: str, outcome: ItemOutcome, times: int = 1) -> None:
        """Answer the next ``times`` operations on ``article_id`` with ``outcome``."""
        self._faults[article_id].extend([outcome] * times)

    def documents(self) -> dict[str, dict[str, Any]]:
        return {article_id: doc for article_id, (_, doc) in self.articles.items()}

    def write(
        self, operations: Iterable[Operation], deadline: Deadline | None = None
    ) -> Iterator[ItemOutcome]:
        chunk: list[Operation] = []
        for operation in operations:
            chunk.append(operation)
            if len(chunk) == self.chunk_size:
                yield from self._request(chunk)
                chunk = []
        if chunk:
            yield from self._request(chunk)

    def upload_record(self, upload: str, deadline: Deadline | None = None) -> UploadRecord | None:
        self._check()
        return self.records.get(upload)

    def save_upload_record(self, record: UploadRecord, deadline: Deadline | None = None) -> None:
        self._check()
        self.records[record.upload] = record

    def release_articles(
        self, upload: str, article_ids: Collection[str], deadline: Deadline | None = None
    ) -> int:
        self._check()
        held = set().union(
            *(r.articles for u, r in self.records.items() if r.present and u != upload)
        )
        gone = [i for i in article_ids if i not in held and i in self.articles]
        for article_id in gone:
            del self.articles[article_id]
        return len(gone)

    def delete_articles_of_upload(self, upload: str, deadline: Deadline | None = None) -> int:
        self._check()
        gone = [i for i, (_, doc) in self.articles.items() if doc.get(UPLOAD_FIELD) == upload]
        for article_id in gone:
            del self.articles[article_id]
        return len(gone)

    def _check(self) -> None:
        if self.unavailable:
            raise IndexUnavailable("unreachable")

    def _request(self, chunk: list[Operation]) -> list[ItemOutcome]:
        self._check()
        self.requests.append(list(chunk))
        return [self._apply(operation) for operation in chunk]

    def _apply(self, operation: Operation) -> ItemOutcome:
        if self._faults.get(operation.id):
            return self._faults[operation.id].popleft()
        stored = self.articles.get(operation.id)
        if isinstance(operation, IndexArticle):
            if self.retractions.get(operation.id, -1) >= operation.version:
                return ItemOutcome("skipped_older")
            if stored is not None and operation.version < stored[0]:
                return ItemOutcome("skipped_older")
            self.articles[operation.id] = (operation.version, operation.document)
            return ItemOutcome("created" if stored is None else "updated")
        assert isinstance(operation, DeleteArticle)
        version = retraction_version(operation)
        self.retractions[operation.id] = max(version, self.retractions.get(operation.id, -1))
        if stored is None:
            return ItemOutcome("not_found")
        if version < stored[0]:
            return ItemOutcome("skipped_older")
        del self.articles[operation.id]
        return ItemOutcome("deleted")


# What the OpenSearch lease store asks of the deadline for each request (its default timeout).
REQUEST_TIMEOUT_S = 10.0


@dataclass
class FakeLeaseStore:
    """An in-memory ``LeaseStore``: compare-and-set on a counter per lease, as OpenSearch's
    ``if_seq_no``. ``unavailable`` makes every call fail as an unreachable index; ``writes``
    counts the writes that went through. Like the OpenSearch adapter, a call asks the deadline
    for its request's timeout first (OutOfTime when the invocation has none left)."""

    leases: dict[str, tuple[LeaseState, int]] = field(default_factory=dict)
    unavailable: bool = False
    writes: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def read_lease(self, name: str, deadline: Deadline) -> tuple[LeaseState, Token] | None:
        deadline.request_timeout_s(REQUEST_TIMEOUT_S, "read the lease")
        if self.unavailable:
            raise IndexUnavailable("unreachable")
        with self._lock:
            found = self.leases.get(name)
            return None if found is None else (found[0], (found[1], 1))

    def write_lease(
        self, name: str, state: LeaseState, token: Token | None, deadline: Deadline
    ) -> bool:
        deadline.request_timeout_s(REQUEST_TIMEOUT_S, "write the lease")
        if self.unavailable:
            raise IndexUnavailable("unreachable")
        with self._lock:
            found = self.leases.get(name)
            if (found is None) != (token is None) or (found and token and found[1] != token[0]):
                return False
            self.leases[name] = (state, (found[1] + 1) if found else 0)
            self.writes += 1
            return True

    def holder(self, name: str) -> str | None:
        found = self.leases.get(name)
        return found[0].owner if found is not None else None
