"""Upload records and releasing an object's articles, in ``<alias>-uploads`` and the alias.

Part of the OpenSearch adapter of ``IndexWriter`` (``opensearch_writer.py`` composes it).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Collection, Iterator
from typing import Any

from opensearchpy import OpenSearch

from cariberita.ingest.opensearch_indexes import call, missing_index, uploads_index
from cariberita.ingest.writer import IndexUnavailable, UploadRecord

# Ids per query: well under index.max_terms_count (65,536) and the default bucket limits.
RELEASE_CHUNK = 1_000

Timeout = Callable[[], float]  # seconds a request sent now may take


def record_id(upload: str) -> str:
    return hashlib.sha256(upload.encode("utf-8")).hexdigest()


class OpenSearchUploads:
    def __init__(self, client: OpenSearch, alias: str) -> None:
        self._client = client
        self._alias = alias
        self._index = uploads_index(alias)

    def get(self, upload: str, timeout: Timeout) -> UploadRecord | None:
        found = call(
            lambda: self._client.get(
                index=self._index, id=record_id(upload), ignore=404, request_timeout=timeout()
            )
        )
        if not found.get("found"):
            if "error" in found:  # the index itself is gone
                raise IndexUnavailable(f"{self._index} missing")
            return None
        source = found["_source"]
        return UploadRecord(
            upload=source["upload"],
            present=source["state"] == "present",
            articles=frozenset(source.get("articles") or ()),
            sequencer=source.get("sequencer"),
            version_id=source.get("version_id"),
        )

    def save(self, record: UploadRecord, timeout: Timeout) -> None:
        body = {
            "upload": record.upload,
            "state": "present" if record.present else "removed",
            "sequencer": record.sequencer,
            "version_id": record.version_id,
            "articles": sorted(record.articles),
        }
        call(
            lambda: self._client.index(
                index=self._index, id=record_id(record.upload), body=body, request_timeout=timeout()
            )
        )

    def release(self, upload: str, article_ids: Collection[str], timeout: Timeout) -> int:
        """Delete the articles no other present upload holds, each at its stored version: a
        write that lands meanwhile is newer (409) and survives."""
        ids = sorted(article_ids)
        if not ids:
            return 0
        # Records are written without a refresh; the query must see the latest ones.
        call(lambda: self._client.indices.refresh(index=self._index, request_timeout=timeout()))
        deleted = 0
        for start in range(0, len(ids), RELEASE_CHUNK):
            chunk = ids[start : start + RELEASE_CHUNK]
            held = self._held_elsewhere(upload, chunk, timeout)
            free = [i for i in chunk if i not in held]
            deleted += self._delete_stored(self._stored_versions(free, timeout), timeout)
        return deleted

    def _held_elsewhere(self, upload: str, ids: list[str], timeout: Timeout) -> set[str]:
        body = {
            "size": 0,
            "query": {
                "bool": {
                    "filter": [{"terms": {"articles": ids}}, {"term": {"state": "present"}}],
                    "must_not": [{"ids": {"values": [record_id(upload)]}}],
                }
            },
            "aggs": {"held": {"terms": {"field": "articles", "include": ids, "size": len(ids)}}},
        }
        result = call(
            lambda: self._client.search(index=self._index, body=body, request_timeout=timeout())
        )
        return {b["key"] for b in result["aggregations"]["held"]["buckets"]}

    def _stored_versions(self, ids: list[str], timeout: Timeout) -> dict[str, int]:
        if not ids:
            return {}
        result = call(
            lambda: self._client.mget(
                index=self._alias, body={"ids": ids}, _source=False, request_timeout=timeout()
            )
        )
        versions: dict[str, int] = {}
        for doc in result["docs"]:
            if doc.get("found"):
                versions[doc["_id"]] = int(doc["_version"])
            elif "error" in doc:
                raise IndexUnavailable(f"mget: {doc['error']}")
        return versions

    def _delete_stored(self, versions: dict[str, int], timeout: Timeout) -> int:
        if not versions:
            return 0
        result = call(
            lambda: self._client.bulk(
                body=list(_deletes(versions)),
                index=self._alias,
                require_alias=True,
                request_timeout=timeout(),
            )
        )
        deleted = 0
        for entry in result["items"]:
            item = entry["delete"]
            if missing_index(item):
                raise IndexUnavailable(f"alias {self._alias} does not exist")
            status = item.get("status")
            if isinstance(status, int) and 200 <= status < 300:
                deleted += 1
            elif status not in (404, 409):  # gone already / rewritten meanwhile: both fine
                raise IndexUnavailable(f"release refused: {item.get('error')}")
        return deleted


def _deletes(versions: dict[str, int]) -> Iterator[dict[str, Any]]:
    for article_id, version in versions.items():
        yield {"delete": {"_id": article_id, "version": version, "version_type": "external_gte"}}
