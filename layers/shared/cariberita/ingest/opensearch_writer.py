"""The only ingest module that talks to OpenSearch: ``IndexWriter`` over an index alias.

``opensearchpy.helpers.streaming_bulk`` cuts byte-bounded chunks and yields one result per
action, in order; each is turned into an ``ItemOutcome``. The client's own retries are off for
bulk (``max_retries=0``): retrying belongs to ``cariberita.ingest.retries``, which knows the
time left in the invocation. Library errors become IndexUnavailable here and nowhere else.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any, TypeVar

from opensearchpy import OpenSearch
from opensearchpy import exceptions as os_errors
from opensearchpy.helpers import streaming_bulk

from cariberita.articles.document import UPLOAD_FIELD
from cariberita.ingest.writer import (
    DeleteArticle,
    IndexArticle,
    IndexUnavailable,
    ItemOutcome,
    Operation,
)
from cariberita.observability import logger

T = TypeVar("T")
RETRY_STATUSES = frozenset((429, 500, 502, 503, 504))
# An index that is closed, read-only or write-blocked (a reindex's last step, a full disk)
# refuses every item with a 4xx; it is index trouble, not a bad article: retry, never reject.
BLOCKED_INDEX_ERRORS = ("cluster_block_exception", "index_closed_exception")
MAX_REASON = 500


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
    ) -> None:
        self._client = client
        self._index = index
        self._max_chunk_bytes = max_chunk_bytes
        self._max_chunk_actions = max_chunk_actions
        self._request_timeout_s = request_timeout_s

    @property
    def chunk_size(self) -> int:
        return self._max_chunk_actions

    def write(self, operations: Iterable[Operation]) -> Iterator[ItemOutcome]:
        results = streaming_bulk(
            self._client,
            (self._action(op) for op in operations),
            chunk_size=self._max_chunk_actions,
            max_chunk_bytes=self._max_chunk_bytes,
            raise_on_error=False,
            raise_on_exception=False,  # a failed request becomes one failed result per item
            max_retries=0,
            yield_ok=True,
            request_timeout=self._request_timeout_s,
            # POST /<index>/_bulk, not /_bulk: least-privilege policies grant index paths only.
            # The actions name no index: the domain refuses one in the body
            # (rest.action.multi.allow_explicit_index false), which would escape those policies.
            index=self._index,
        )
        for _ok, info in results:
            op, item = next(iter(info.items()))
            yield classify(op, item)

    def delete_articles_of_upload(self, upload: str) -> int:
        # Refreshing first makes writes from the last second visible to the query.
        self._call(lambda: self._client.indices.refresh(index=self._index))
        result = self._call(
            lambda: self._client.delete_by_query(
                index=self._index,
                body={"query": {"term": {UPLOAD_FIELD: upload}}},
                conflicts="proceed",  # a concurrent newer write wins; it is not ours to delete
                refresh=True,
                slices="auto",
            )
        )
        return int(result.get("deleted", 0))

    def _action(self, operation: Operation) -> dict[str, Any]:
        if isinstance(operation, IndexArticle):
            return {
                "_op_type": "index",
                "_id": operation.id,
                "version": operation.version,
                "version_type": "external_gte",
                "_source": operation.document,
            }
        action: dict[str, Any] = {"_op_type": "delete", "_id": operation.id}
        if isinstance(operation, DeleteArticle) and operation.version is not None:
            action.update(version=operation.version, version_type="external_gte")
        return action

    def _call(self, request: Callable[[], T]) -> T:
        try:
            return request()
        except (os_errors.ConnectionError, os_errors.ConnectionTimeout) as exc:
            logger.warning("opensearch unreachable", extra={"error": str(exc)[:MAX_REASON]})
            raise IndexUnavailable("unreachable") from exc
        except os_errors.TransportError as exc:
            status = exc.status_code if isinstance(exc.status_code, int) else 0
            if status in RETRY_STATUSES or status in (0, 404) or _blocked(exc.error):
                logger.warning(
                    "opensearch unavailable",
                    extra={"status": status, "error": str(exc)[:MAX_REASON]},
                )
                raise IndexUnavailable(f"status {status}") from exc
            raise  # a 4xx we caused is a bug: it propagates as it is


def classify(op: str, item: dict[str, Any]) -> ItemOutcome:
    """One ``_bulk`` item result as an outcome (``op`` is ``index`` or ``delete``)."""
    status = item.get("status")
    # A status that is not a number ("N/A") means the request itself failed (connection, timeout).
    if not isinstance(status, int) or status in RETRY_STATUSES or _blocked(item.get("error")):
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


def _blocked(error: Any) -> bool:
    # An item's error is a dict; a whole request's (e.g. _delete_by_query's 403) is its text.
    kind = error.get("type") if isinstance(error, dict) else error
    return isinstance(kind, str) and any(e in kind for e in BLOCKED_INDEX_ERRORS)


def _reason(item: dict[str, Any], status: Any) -> str:
    error = item.get("error")
    if isinstance(error, dict):
        reason = f"{error.get('type', 'error')}: {error.get('reason', '')}".strip()
    else:
        reason = str(error or f"status {status}")
    return reason[:MAX_REASON]
