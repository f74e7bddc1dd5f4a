"""The only ingest module that writes articles to OpenSearch: ``IndexWriter`` over an alias.

``opensearchpy.helpers.streaming_bulk`` cuts byte-bounded chunks and yields one result per
action, in order; each is turned into an ``ItemOutcome``. Every bulk request carries
``require_alias=true``: if the alias is missing (the queue started before the deploy created
it), the write fails and the message is redelivered, instead of OpenSearch auto-creating a
concrete ``articles`` index with guessed mappings. Retries are not the client's (it is built
with none, ``max_retries=0`` for bulk too): they belong to ``cariberita.ingest.retries``, and
every request's timeout is cut to the invocation's remaining time. Retractions are recorded in
``<alias>-tombstones`` (``opensearch_indexes.py``) before the article is deleted, and every
copy is checked against them before it is written. Library errors become IndexUnavailable
here and in ``opensearch_indexes.call``, nowhere else.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Iterator
from datetime import UTC, datetime
from typing import Any

from opensearchpy import OpenSearch
from opensearchpy.exceptions import OpenSearchException
from opensearchpy.helpers import streaming_bulk

from cariberita.articles.dates import iso
from cariberita.articles.document import UPLOAD_FIELD
from cariberita.index import shared_stories
from cariberita.ingest.deadline import Deadline
from cariberita.ingest.opensearch_indexes import (
    MAX_REASON,
    RETRY_STATUSES,
    blocked,
    call,
    ensure_side_indexes,
    missing_index,
    tombstones_index,
)
from cariberita.ingest.opensearch_uploads import OpenSearchUploads
from cariberita.ingest.writer import (
    DeleteArticle,
    IndexArticle,
    IndexUnavailable,
    ItemOutcome,
    Operation,
    UploadRecord,
    retraction_version,
)
from cariberita.observability import logger

STAMP = "ingested_at"


class _BudgetedClient:
    """What ``streaming_bulk`` uses of a client, with each request's timeout set at send time."""

    def __init__(self, client: OpenSearch, timeout: Callable[[], float]) -> None:
        self.transport = client.transport
        self._client = client
        self._timeout = timeout

    def bulk(self, body: Any, *args: Any, **kwargs: Any) -> Any:
        return self._client.bulk(body, *args, request_timeout=self._timeout(), **kwargs)


class OpenSearchIndexWriter:
    """``IndexWriter`` for the articles alias ``index``; one per container is enough."""

    def __init__(
        self,
        client: OpenSearch,
        index: str,
        *,
        max_chunk_bytes: int = 5_000_000,
        max_chunk_actions: int = 1_000,
        request_timeout_s: float = 60.0,
        small_request_timeout_s: float = 10.0,
    ) -> None:
        self._client = client
        self._index = index
        self._tombstones = tombstones_index(index)
        self._uploads = OpenSearchUploads(client, index)
        self._max_chunk_bytes = max_chunk_bytes
        self._max_chunk_actions = max_chunk_actions
        self._request_timeout_s = request_timeout_s
        self._small_timeout_s = small_request_timeout_s
        self._ready = False

    @property
    def chunk_size(self) -> int:
        return self._max_chunk_actions

    def write(
        self, operations: Iterable[Operation], deadline: Deadline | None = None
    ) -> Iterator[ItemOutcome]:
        deadline = deadline or Deadline()
        self._ensure(deadline)
        chunk: list[Operation] = []
        for operation in operations:
            chunk.append(operation)
            if len(chunk) == self._max_chunk_actions:
                yield from self._write_chunk(chunk, deadline)
                chunk = []
        if chunk:
            yield from self._write_chunk(chunk, deadline)

    def upload_record(self, upload: str, deadline: Deadline | None = None) -> UploadRecord | None:
        self._ensure(deadline)
        return self._uploads.get(upload, self._small(deadline))

    def save_upload_record(self, record: UploadRecord, deadline: Deadline | None = None) -> None:
        self._ensure(deadline)
        self._uploads.save(record, self._small(deadline))

    def release_articles(
        self, upload: str, article_ids: Collection[str], deadline: Deadline | None = None
    ) -> int:
        self._ensure(deadline)
        return self._uploads.release(upload, article_ids, self._small(deadline))

    def delete_articles_of_upload(self, upload: str, deadline: Deadline | None = None) -> int:
        timeout = self._small(deadline)
        # Refreshing first makes writes from the last second visible to the query.
        call(lambda: self._client.indices.refresh(index=self._index, request_timeout=timeout()))
        result = call(
            lambda: self._client.delete_by_query(
                index=self._index,
                body={"query": {"term": {UPLOAD_FIELD: upload}}},
                conflicts="proceed",  # a concurrent newer write wins; it is not ours to delete
                refresh=True,
                slices="auto",
                request_timeout=self._budget(deadline, self._request_timeout_s)(),
            )
        )
        return int(result.get("deleted", 0))

    # --- one chunk: retractions first, then the articles --------------------------------------

    def _write_chunk(self, chunk: list[Operation], deadline: Deadline) -> list[ItemOutcome]:
        outcomes: list[ItemOutcome | None] = [None] * len(chunk)
        versions: dict[int, int] = {}  # position of a retraction -> its version
        try:
            retracted = self._retracted(
                [op.id for op in chunk if isinstance(op, IndexArticle)], deadline
            )
            for position, op in enumerate(chunk):
                if isinstance(op, IndexArticle) and retracted.get(op.id, -1) >= op.version:
                    outcomes[position] = ItemOutcome("skipped_older")
                elif isinstance(op, DeleteArticle):
                    versions[position] = retraction_version(op)
            for position, outcome in self._record_retractions(chunk, versions, deadline).items():
                outcomes[position] = outcome  # not recorded: not applied either
        except IndexUnavailable as exc:
            return [ItemOutcome("retryable", str(exc)) for _ in chunk]
        send = [position for position, outcome in enumerate(outcomes) if outcome is None]
        shared = self._shared_stories([chunk[p] for p in send], deadline)
        # Stamped now, not when the upload was opened: an invocation runs up to 300 s, and a
        # reindex's catch-up passes look for writes by this stamp (index/reindex.py).
        stamp = iso(datetime.now(UTC))
        actions = [self._action(chunk[p], versions.get(p), shared, stamp) for p in send]
        for position, outcome in zip(send, self._bulk(actions, deadline), strict=True):
            outcomes[position] = outcome
        return [o if o is not None else ItemOutcome("retryable", "lost") for o in outcomes]

    def _shared_stories(self, operations: list[Operation], deadline: Deadline) -> set[str]:
        """The stories of these writes that have another copy (index/shared_stories.py).

        Best effort: the flag only lets search count copies cheaply, so a failure here is
        logged and the articles are written without it (``cariberita-admin stories mark``
        catches up), never held back.
        """
        incoming: dict[str, set[str]] = {}
        for op in operations:
            story = (
                op.document.get(shared_stories.STORY_FIELD)
                if isinstance(op, IndexArticle)
                else None
            )
            if isinstance(story, str) and story:
                incoming.setdefault(story, set()).add(op.id)
        if not incoming:
            return set()
        timeout = self._small(deadline)
        try:
            return shared_stories.shared(
                self._client, self._index, incoming, self._tombstones, timeout
            )
        except (OpenSearchException, ConnectionError, TimeoutError, KeyError, ValueError) as exc:
            logger.warning(
                "shared stories not marked", extra={"error": f"{type(exc).__name__}: {exc}"[:300]}
            )
            return set()

    def _retracted(self, ids: list[str], deadline: Deadline) -> dict[str, int]:
        """The retraction version of each of ``ids`` that has one."""
        if not ids:
            return {}
        timeout = self._small(deadline)
        result = call(
            lambda: self._client.mget(
                index=self._tombstones,
                body={"ids": sorted(set(ids))},
                _source=False,
                request_timeout=timeout(),
            )
        )
        return {d["_id"]: int(d["_version"]) for d in result["docs"] if d.get("found")}

    def _record_retractions(
        self, chunk: list[Operation], versions: dict[int, int], deadline: Deadline
    ) -> dict[int, ItemOutcome]:
        """Write each retraction's tombstone; the outcome of those that failed, by position."""
        if not versions:
            return {}
        now = datetime.now(UTC).isoformat()
        body: list[dict[str, Any]] = []
        for position, version in versions.items():
            meta = {"_id": chunk[position].id, "version": version, "version_type": "external_gte"}
            body += [{"index": meta}, {"version": version, "retracted_at": now}]
        timeout = self._small(deadline)
        result = call(
            lambda: self._client.bulk(body=body, index=self._tombstones, request_timeout=timeout())
        )
        failed: dict[int, ItemOutcome] = {}
        for position, entry in zip(versions, result["items"], strict=True):
            item = entry["index"]
            status = item.get("status")
            if isinstance(status, int) and (200 <= status < 300 or status == 409):
                continue  # 409: a later retraction is already recorded
            failed[position] = classify("index", item)
        return failed

    def _bulk(self, actions: list[dict[str, Any]], deadline: Deadline) -> list[ItemOutcome]:
        if not actions:
            return []
        results = streaming_bulk(
            _BudgetedClient(self._client, self._budget(deadline, self._request_timeout_s)),
            actions,
            chunk_size=self._max_chunk_actions,
            max_chunk_bytes=self._max_chunk_bytes,
            raise_on_error=False,
            raise_on_exception=False,  # a failed request becomes one failed result per item
            max_retries=0,
            yield_ok=True,
            require_alias=True,
            # POST /<index>/_bulk, not /_bulk: least-privilege policies grant index paths only.
            # The actions name no index: the domain refuses one in the body
            # (rest.action.multi.allow_explicit_index false), which would escape those policies.
            index=self._index,
        )
        outcomes: list[ItemOutcome] = []
        for _ok, info in results:
            op, item = next(iter(info.items()))
            if missing_index(item):
                logger.warning("articles alias missing", extra={"alias": self._index})
                raise IndexUnavailable(f"alias {self._index} does not exist")
            outcomes.append(classify(op, item))
        return outcomes

    def _action(
        self, operation: Operation, retraction: int | None, shared: set[str], stamp: str | None
    ) -> dict[str, Any]:
        if isinstance(operation, IndexArticle):
            document = operation.document
            story = document.get(shared_stories.STORY_FIELD)
            if story in shared:
                document = {**document, shared_stories.FIELD: story}
            if STAMP in document:  # every article document has it (articles/document.py)
                document = {**document, STAMP: stamp}
            return {
                "_op_type": "index",
                "_id": operation.id,
                "version": operation.version,
                "version_type": "external_gte",
                "_source": document,
            }
        return {
            "_op_type": "delete",
            "_id": operation.id,
            "version": retraction,
            "version_type": "external_gte",
        }

    # --- plumbing ---------------------------------------------------------------------------

    def _ensure(self, deadline: Deadline | None) -> None:
        if not self._ready:
            ensure_side_indexes(self._client, self._index, self._small(deadline)())
            self._ready = True

    def _small(self, deadline: Deadline | None) -> Callable[[], float]:
        return self._budget(deadline, self._small_timeout_s)

    @staticmethod
    def _budget(deadline: Deadline | None, cap_s: float) -> Callable[[], float]:
        clock = deadline or Deadline()
        return lambda: clock.request_timeout_s(cap_s)


def classify(op: str, item: dict[str, Any]) -> ItemOutcome:
    """One ``_bulk`` item result as an outcome (``op`` is ``index`` or ``delete``)."""
    status = item.get("status")
    # A status that is not a number ("N/A") means the request itself failed (connection, timeout).
    if not isinstance(status, int) or status in RETRY_STATUSES or blocked(item.get("error")):
        return ItemOutcome("retryable", _reason(item, status))
    if op == "delete":
        if status == 404:
            return ItemOutcome("not_found")  # already gone: a delete is idempotent
        if 200 <= status < 300:
            return ItemOutcome("deleted")
    elif 200 <= status < 300:
        return ItemOutcome("created" if item.get("result") == "created" else "updated")
    if status == 409:
        return ItemOutcome("skipped_older")
    return ItemOutcome("rejected", _reason(item, status))


def _reason(item: dict[str, Any], status: Any) -> str:
    error = item.get("error")
    if isinstance(error, dict):
        reason = f"{error.get('type', 'error')}: {error.get('reason', '')}".strip()
    else:
        reason = str(error or f"status {status}")
    return reason[:MAX_REASON]
