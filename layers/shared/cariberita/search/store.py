"""The only module that sends search requests to OpenSearch; library errors become domain errors.

Unreachable, overloaded, timed-out or missing indexes raise SearchUnavailable (503 + Retry-After);
an unknown article raises NotFound. OpenSearch's own error text never leaves this module except
in the log.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, Protocol, TypeVar

from opensearchpy import OpenSearch
from opensearchpy import exceptions as os_errors

from cariberita.errors import NotFound, SearchUnavailable
from cariberita.observability import logger
from cariberita.search.legacy import IndexShape, NoTermVectors, UnmappedField
from cariberita.search.suggest import without_collate

T = TypeVar("T")

# A node that is killed, stopping or starting closes the connections it holds, and the
# transport's one quick retry (opensearch_client.QUICK_RETRY) often meets the same node: on the
# three-node campaign 11 of 12 failed searches were such a closed connection (docs/reliability.md,
# "Three-node cluster"). After a pause a fresh connection reaches a node that answers. Only when
# the connection failed within RECONNECT_WITHIN_S: a slower failure is a node in trouble, and the
# retry adds at most RECONNECT_WITHIN_S + RECONNECT_PAUSE_S to the worst case, which the 9 s
# between search/settings.MAX_TOTAL_BUDGET_MS and API Gateway's 29 s covers. Never a timeout: the
# node may still be running the first query.
RECONNECT_PAUSE_S = 0.25
RECONNECT_WITHIN_S = 2.5


class SearchStore(Protocol):
    """What the search domain needs from an index (a fake implements it in unit tests)."""

    def search(self, body: dict[str, Any]) -> dict[str, Any]: ...

    def get(self, doc_id: str) -> dict[str, Any]: ...

    def ping(self) -> int: ...


class OpenSearchStore:
    """``SearchStore`` over an index alias, each request bounded by ``timeout_ms``."""

    def __init__(self, client: OpenSearch, index: str, timeout_ms: int):
        self._client = client
        self._index = index
        self._timeout_s = timeout_ms / 1000
        # Whether the index predates stored fields or term vectors (search/legacy.py): one per
        # container.
        self.shape = IndexShape()
        # Whether the cluster runs mustache templates (did-you-mean's check, search/suggest.py),
        # learnt from its first refusal: one per container.
        self.templates = True

    def search(self, body: dict[str, Any]) -> dict[str, Any]:
        if not self.templates:
            return self.shape.search(self._search, without_collate(body))
        try:
            return self.shape.search(self._search, body)
        except _NoTemplates:
            self.templates = False
            logger.warning(
                "the cluster has no lang-mustache module: did-you-mean spellings are not "
                "checked against the request's filters (docs/search.md, Did you mean)"
            )
            return self.shape.search(self._search, without_collate(body))

    def _search(self, body: dict[str, Any]) -> dict[str, Any]:
        cache = "true" if cacheable(body) else None
        response: dict[str, Any] = self._call(
            lambda: self._client.search(
                index=self._index,
                body=body,
                request_timeout=self._timeout_s,
                request_cache=cache,
            )
        )
        if response.get("timed_out"):
            # Partial results would be cached by the CDN as if complete; let the client retry.
            raise SearchUnavailable("search timed out")
        return response

    def get(self, doc_id: str) -> dict[str, Any]:
        try:
            return self._call(
                lambda: self._client.get(
                    index=self._index, id=doc_id, request_timeout=self._timeout_s
                ),
                not_found=True,
            )
        except _DocumentMissing as exc:
            raise NotFound(doc_id) from exc

    def ping(self) -> int:
        """Number of documents behind the alias; SearchUnavailable if the index cannot be read."""
        response = self._call(
            lambda: self._client.count(index=self._index, request_timeout=self._timeout_s)
        )
        return int(response.get("count", 0))

    def _call(self, request: Callable[[], T], not_found: bool = False) -> T:
        """``request``, its library errors mapped; once more, after a pause, when the connection
        was closed or refused quickly (see RECONNECT_PAUSE_S)."""
        began = time.monotonic()
        try:
            return self._mapped(request, not_found)
        except _ConnectionLost as lost:
            if time.monotonic() - began > RECONNECT_WITHIN_S:
                raise SearchUnavailable("unreachable") from lost.__cause__
            time.sleep(RECONNECT_PAUSE_S)
        try:
            return self._mapped(request, not_found)
        except _ConnectionLost as lost:
            raise SearchUnavailable("unreachable") from lost.__cause__

    def _mapped(self, request: Callable[[], T], not_found: bool) -> T:
        try:
            return request()
        except os_errors.NotFoundError as exc:
            if not_found and _is_missing_document(exc):
                raise _DocumentMissing from exc
            logger.error("index missing", extra={"index": self._index, "error": str(exc)[:500]})
            raise SearchUnavailable("index missing") from exc
        except os_errors.ConnectionTimeout as exc:  # a ConnectionError too: caught first
            logger.warning("opensearch timed out", extra={"error": str(exc)[:500]})
            raise SearchUnavailable("timed out") from exc
        except os_errors.ConnectionError as exc:
            logger.warning("opensearch unreachable", extra={"error": str(exc)[:500]})
            raise _ConnectionLost from exc
        except os_errors.TransportError as exc:
            status = exc.status_code if isinstance(exc.status_code, int) else 0
            if status == 429 or status >= 500 or status == 0:
                logger.warning(
                    "opensearch unavailable", extra={"status": status, "error": str(exc)[:500]}
                )
                raise SearchUnavailable(f"status {status}") from exc
            if status == 400 and "script_lang not supported [mustache]" in str(exc):
                raise _NoTemplates(str(exc)[:300]) from exc
            if status == 400 and "no mapping found for" in str(exc):
                # An index from before ``story`` cannot collapse on it (search/legacy.py).
                raise UnmappedField(str(exc)[:300]) from exc
            if status == 400 and "should be indexed with term vector" in str(exc):
                # An index from before term vectors refuses the fast vector highlighter. Said
                # once per container every few minutes (search/legacy.py), until the reindex.
                logger.warning(
                    "the index has no term vectors: snippets use the plain highlighter until "
                    "cariberita-admin reindex (docs/operations.md)",
                    extra={"index": self._index},
                )
                raise NoTermVectors(str(exc)[:300]) from exc
            raise  # a 4xx we caused is a bug: logged and answered as a generic 500


# Query types that carry what a reader typed: a body with none of them is the same for everyone.
_TEXT_QUERIES = frozenset(
    {"match", "multi_match", "match_phrase", "match_bool_prefix", "more_like_this", "fuzzy"}
)


def cacheable(body: dict[str, Any]) -> bool:
    """Whether the shard request cache should keep this search's answer (hits and facets).

    Only searches without reader text: the landing page and category or date browsing are the
    same request for every reader, and their aggregations over the whole index are the costliest
    searches at scale (1M articles). OpenSearch drops the entry at the next refresh that changed
    the index, so nothing stale is served. Text searches are left out: they rarely repeat
    exactly, and would only churn the cache (1% of the heap).
    """
    return "suggest" not in body and not _has_text(body.get("query"))


def _has_text(node: Any) -> bool:
    if isinstance(node, dict):
        return any(key in _TEXT_QUERIES or _has_text(value) for key, value in node.items())
    if isinstance(node, list):
        return any(_has_text(item) for item in node)
    return False


class _DocumentMissing(Exception):
    pass


class _ConnectionLost(Exception):
    """The connection was refused or closed before an answer (the cause is chained)."""


class _NoTemplates(Exception):
    """The cluster refused a mustache template (no lang-mustache module)."""


def _is_missing_document(exc: os_errors.NotFoundError) -> bool:
    info = exc.info if isinstance(exc.info, dict) else {}
    # A missing document answers {"found": false}; a missing index has an "error" object.
    return info.get("found") is False
