"""The two small indexes beside the articles alias, and OpenSearch errors as domain errors.

- ``<alias>-uploads``: one keyword-only record per S3 object (``_id`` = sha256 of
  ``bucket/key``, an object key can outgrow OpenSearch's 512-byte ids): the sequencer last
  applied, whether the object is present, the ids of the articles it holds. Beside them, one
  lease per bucket (``_id`` ``lease:<bucket>``; ``ingest/lease.py``): its ``owner``,
  ``expires_at``, ``waiter`` and ``waiter_until``, fields added to an older index on first use.
- ``<alias>-tombstones``: one document per retracted article (``_id`` = article id, external
  ``_version`` = the retraction's version). Unlike a deleted document's version, which
  OpenSearch forgets after ``index.gc_deletes`` (60 s), it lasts, so an older copy can never
  republish a retracted article. Search never reads it.

Both live outside the versioned articles index, so a reindex neither copies nor loses them.
The ingest writer creates them on first use (after checking the alias exists).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any, TypeVar

from opensearchpy import OpenSearch
from opensearchpy import exceptions as os_errors

from cariberita.ingest.writer import IndexUnavailable
from cariberita.observability import logger

T = TypeVar("T")
RETRY_STATUSES = frozenset((429, 500, 502, 503, 504))
# An index that is closed, read-only or write-blocked (a reindex's last step, a full disk)
# refuses every item with a 4xx; it is index trouble, not a bad article: retry, never reject.
BLOCKED_INDEX_ERRORS = ("cluster_block_exception", "index_closed_exception")
MAX_REASON = 500
_SETTINGS = {"number_of_shards": 1, "auto_expand_replicas": "0-1"}
_KEYWORD = {"type": "keyword"}

_LONG = {"type": "long"}
UPLOADS_MAPPING: dict[str, Any] = {
    "dynamic": "strict",
    "properties": {
        **{
            name: _KEYWORD
            for name in ("upload", "state", "sequencer", "version_id", "articles", "owner")
        },
        "waiter": _KEYWORD,
        "expires_at": _LONG,
        "waiter_until": _LONG,
    },
}
UPLOADS_BODY: dict[str, Any] = {"settings": _SETTINGS, "mappings": UPLOADS_MAPPING}
TOMBSTONES_BODY: dict[str, Any] = {
    "settings": _SETTINGS,
    "mappings": {
        "dynamic": "strict",
        "properties": {"version": {"type": "long"}, "retracted_at": {"type": "date"}},
    },
}


def uploads_index(alias: str) -> str:
    return f"{alias}-uploads"


def tombstones_index(alias: str) -> str:
    return f"{alias}-tombstones"


def ensure_side_indexes(client: OpenSearch, alias: str, timeout_s: float) -> None:
    """Create ``<alias>-uploads`` and ``<alias>-tombstones`` if missing.

    Raises IndexUnavailable when the alias itself does not exist (yet): the deploy has not
    created it, and nothing must be created in its place.
    """
    if not call(lambda: client.indices.exists_alias(name=alias, request_timeout=timeout_s)):
        logger.warning("articles alias missing", extra={"alias": alias})
        raise IndexUnavailable(f"alias {alias} does not exist")
    for name, body in (
        (uploads_index(alias), UPLOADS_BODY),
        (tombstones_index(alias), TOMBSTONES_BODY),
    ):
        try:
            call(partial(client.indices.create, index=name, body=body, request_timeout=timeout_s))
        except os_errors.RequestError as exc:
            if exc.error != "resource_already_exists_exception":
                raise
            if body is UPLOADS_BODY:
                # An index created before the leases lacks their fields (the mapping is
                # strict); adding fields is allowed on a live index, repeating them is a no-op.
                call(
                    partial(
                        client.indices.put_mapping,
                        index=name,
                        body=UPLOADS_MAPPING,
                        request_timeout=timeout_s,
                    )
                )


def call(request: Callable[[], T]) -> T:
    """Run one request; unreachable, busy, blocked or missing indexes become IndexUnavailable."""
    try:
        return request()
    except (os_errors.ConnectionError, os_errors.ConnectionTimeout) as exc:
        logger.warning("opensearch unreachable", extra={"error": str(exc)[:MAX_REASON]})
        raise IndexUnavailable("unreachable") from exc
    except os_errors.TransportError as exc:
        status = exc.status_code if isinstance(exc.status_code, int) else 0
        if status in RETRY_STATUSES or status in (0, 404) or blocked(exc.error):
            logger.warning(
                "opensearch unavailable",
                extra={"status": status, "error": str(exc)[:MAX_REASON]},
            )
            raise IndexUnavailable(f"status {status}") from exc
        raise  # a 4xx we caused is a bug: it propagates as it is


def blocked(error: Any) -> bool:
    # An item's error is a dict; a whole request's (e.g. _delete_by_query's 403) is its text.
    kind = error.get("type") if isinstance(error, dict) else error
    return isinstance(kind, str) and any(e in kind for e in BLOCKED_INDEX_ERRORS)


def missing_index(item: dict[str, Any]) -> bool:
    """A bulk item refused because its index (the alias, under require_alias) does not exist."""
    error = item.get("error")
    return isinstance(error, dict) and error.get("type") == "index_not_found_exception"
