"""``RulesStore`` over the ``<alias>-rules`` index, and the article-id check over the alias.

The index holds one document per version (``_id`` ``v<N>``, written with ``op_type=create`` so
two editors applying at once cannot overwrite each other) and the ``current`` pointer, written
with external versioning (its OpenSearch version is the rules version), so a slower writer of an
older version never moves the pointer back. The rules are stored as an unindexed object: they are
data, never mapped fields. The archive's form weights (``index.form_weights``) are one more
document, ``form-weights``, replaced whole by each ``cariberita-admin synonyms weigh``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from opensearchpy import OpenSearch
from opensearchpy import exceptions as os_errors

from cariberita.index.form_weights import ArchiveWeights
from cariberita.observability import logger
from cariberita.rules.store import RulesUnavailable, StoredVersion

T = TypeVar("T")
CURRENT = "current"
FORM_WEIGHTS = "form-weights"
MAPPING: dict[str, Any] = {
    "dynamic": "strict",
    "properties": {
        "kind": {"type": "keyword"},
        "version": {"type": "integer"},
        "applied_at": {"type": "date"},
        "applied_by": {"type": "keyword"},
        "action": {"type": "keyword"},
        "rolled_back_to": {"type": "integer"},
        "rules": {"type": "object", "enabled": False},
        # the form-weights document (added 2026-12-03: put on an older index before writing it)
        "articles": {"type": "integer"},
        "computed_at": {"type": "date"},
        "weights": {"type": "object", "enabled": False},
    },
}


def rules_index(alias: str) -> str:
    return f"{alias}-rules"


class OpenSearchRulesStore:
    def __init__(self, client: OpenSearch, alias: str, timeout_s: float = 5.0) -> None:
        self._client = client
        self.index = rules_index(alias)
        self._timeout_s = timeout_s

    def current(self) -> StoredVersion | None:
        return self._get(CURRENT)

    def version(self, number: int) -> StoredVersion | None:
        return self._get(f"v{number}")

    def history(self, limit: int = 50) -> list[StoredVersion]:
        body = {
            "size": limit,
            "query": {"term": {"kind": "version"}},
            "sort": [{"version": "desc"}],
        }
        try:
            response = self._call(lambda: self._client.search(index=self.index, body=body))
        except _Missing:
            return []
        return [StoredVersion.from_dict(h["_source"]) for h in response["hits"]["hits"]]

    def latest_version(self) -> int:
        body = {"size": 0, "aggs": {"top": {"max": {"field": "version"}}}}
        try:
            response = self._call(lambda: self._client.search(index=self.index, body=body))
        except _Missing:
            return 0
        return int(response["aggregations"]["top"]["value"] or 0)

    def newest_from(self, origin: str) -> StoredVersion | None:
        # A prefix query on the keyword: the key is percent-encoded, so "?" ends the origin and
        # "rules/a.json" does not match "rules/a.json.bak".
        origin_is = [{"term": {"applied_by": origin}}, {"prefix": {"applied_by": f"{origin}?"}}]
        body = {
            "size": 1,
            "query": {
                "bool": {
                    "filter": [{"term": {"kind": "version"}}],
                    "should": origin_is,
                    "minimum_should_match": 1,
                }
            },
            "sort": [{"version": "desc"}],
        }
        try:
            response = self._call(lambda: self._client.search(index=self.index, body=body))
        except _Missing:
            return None
        hits = response["hits"]["hits"]
        return StoredVersion.from_dict(hits[0]["_source"]) if hits else None

    def add_version(self, entry: StoredVersion) -> bool:
        self._ensure_index()
        document = {"kind": "version", **entry.as_dict()}
        try:
            self._call(
                lambda: self._client.index(
                    index=self.index,
                    id=f"v{entry.version}",
                    body=document,
                    op_type="create",
                    refresh="wait_for",
                )
            )
        except os_errors.ConflictError:
            return False
        return True

    def set_current(self, entry: StoredVersion) -> None:
        document = {"kind": CURRENT, **entry.as_dict()}
        try:
            self._call(
                lambda: self._client.index(
                    index=self.index,
                    id=CURRENT,
                    body=document,
                    version=entry.version,
                    version_type="external",
                    refresh="wait_for",
                )
            )
        except os_errors.ConflictError:
            logger.info(
                "a newer rules version is already current", extra={"version": entry.version}
            )

    def form_weights(self) -> ArchiveWeights | None:
        found = self._source(FORM_WEIGHTS)
        return ArchiveWeights.from_dict(found) if found is not None else None

    def save_form_weights(self, weights: ArchiveWeights) -> None:
        self._ensure_index()
        # An index created before the document existed lacks its fields (the mapping is strict);
        # adding fields is allowed on a live index, and repeating them changes nothing.
        self._call(lambda: self._client.indices.put_mapping(index=self.index, body=MAPPING))
        document = {"kind": FORM_WEIGHTS, **weights.as_dict()}
        self._call(
            lambda: self._client.index(
                index=self.index, id=FORM_WEIGHTS, body=document, refresh="wait_for"
            )
        )

    def _get(self, doc_id: str) -> StoredVersion | None:
        found = self._source(doc_id)
        return StoredVersion.from_dict(found) if found is not None else None

    def _source(self, doc_id: str) -> dict[str, Any] | None:
        """One document of the rules index; None when it or the index does not exist."""
        try:
            response = self._call(
                lambda: self._client.get(
                    index=self.index, id=doc_id, request_timeout=self._timeout_s
                )
            )
        except _Missing:
            return None
        source: dict[str, Any] = response["_source"]
        return source

    def _ensure_index(self) -> None:
        try:
            self._call(
                lambda: self._client.indices.create(
                    index=self.index,
                    body={
                        "settings": {"number_of_shards": 1, "auto_expand_replicas": "0-1"},
                        "mappings": MAPPING,
                    },
                )
            )
        except os_errors.RequestError as exc:
            if exc.error != "resource_already_exists_exception":
                raise RulesUnavailable(f"cannot create {self.index}: {exc.error}") from exc

    def _call(self, request: Callable[[], T]) -> T:
        try:
            return request()
        except os_errors.NotFoundError as exc:
            raise _Missing from exc  # no such index or document: no rules yet
        except (os_errors.ConflictError, os_errors.RequestError):
            raise
        except (os_errors.ConnectionError, os_errors.TransportError) as exc:
            logger.warning("rules index unavailable", extra={"error": str(exc)[:300]})
            raise RulesUnavailable(f"rules index {self.index} unavailable") from exc


class _Missing(Exception):
    pass


class OpenSearchArticleIds:
    """Which of some article ids the alias does not hold: one ``ids`` query for all of them."""

    def __init__(self, client: OpenSearch, alias: str) -> None:
        self._client = client
        self._alias = alias

    def __call__(self, ids: Iterable[str]) -> set[str]:
        wanted = list(dict.fromkeys(ids))
        if not wanted:
            return set()
        body = {"size": len(wanted), "_source": False, "query": {"ids": {"values": wanted}}}
        try:
            response = self._client.search(index=self._alias, body=body)
        except os_errors.NotFoundError:
            return set(wanted)
        except os_errors.TransportError as exc:
            raise RulesUnavailable(f"cannot check article ids: {exc}") from exc
        found = {hit["_id"] for hit in response["hits"]["hits"]}
        return set(wanted) - found
