"""Create, inspect and migrate the versioned articles index behind its alias.

The alias (``articles`` by default) is what the functions read and write; behind it sits one
concrete index ``<alias>-v<N>``. Creating is idempotent: a second run changes nothing, new
fields and a new replica count are applied live, and changed analysis (any word list, the
acronyms included) is *reported* as ``reindex_needed``: OpenSearch changes analysis only on a
closed index, and the index readers use is never closed. The change then goes through
``cariberita.index.reindex`` to a new version and an atomic alias swap.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from opensearchpy import OpenSearch
from opensearchpy.exceptions import NotFoundError, RequestError

from cariberita.index.mapping import INDEX_VERSION, index_body


@dataclass(frozen=True)
class IndexStatus:
    alias: str
    indices: tuple[str, ...]
    documents: int
    health: str
    version: int | None

    def as_dict(self) -> dict[str, Any]:
        return {
            "alias": self.alias,
            "indices": list(self.indices),
            "documents": self.documents,
            "health": self.health,
            "version": self.version,
            "current_version": INDEX_VERSION,
        }


def concrete_name(alias: str, version: int = INDEX_VERSION) -> str:
    return f"{alias}-v{version}"


def version_of(index: str) -> int | None:
    """``3`` for ``articles-v3``; None for a name that is not a version."""
    _, _, tail = index.rpartition("-v")
    return int(tail) if tail.isdigit() else None


_version_of = version_of  # the former private name


def aliased_indices(client: OpenSearch, alias: str) -> tuple[str, ...]:
    try:
        return tuple(sorted(client.indices.get_alias(name=alias)))
    except NotFoundError:
        return ()


def ensure_index(
    client: OpenSearch, alias: str, replicas: int | None = None, shards: int = 1
) -> str:
    """Make ``alias`` point at an index with the current definition; return what was done.

    Returns ``created``, ``updated`` (replicas or new fields applied live), ``unchanged``, or
    ``reindex_needed``: the shipped analysis differs from the live index's, which is left as
    it is (never closed) until ``cariberita-admin reindex`` builds a new version. Safe to run
    on every deploy and from several processes at once. ``replicas=None`` creates without
    replicas and leaves an existing index's count alone.
    """
    current = aliased_indices(client, alias)
    if not current:
        name = concrete_name(alias)
        body = index_body(shards=shards, replicas=replicas or 0)
        body["aliases"] = {alias: {"is_write_index": True}}
        if client.indices.exists(index=name):
            client.indices.put_alias(index=name, name=alias, body={"is_write_index": True})
            return "updated"
        try:
            client.indices.create(index=name, body=body)
        except Exception as exc:  # a concurrent bootstrap created it first
            if "resource_already_exists_exception" not in str(exc):
                raise
            return "unchanged"
        client.cluster.health(index=name, wait_for_status="yellow")
        return "created"
    return _update_live(client, current[-1], replicas)


def analysis_differs(client: OpenSearch, name: str) -> bool:
    """Whether the shipped analysis (word lists, acronyms) differs from index ``name``'s."""
    stored = client.indices.get_settings(index=name)[name]["settings"]["index"]
    wanted = index_body()["settings"]["analysis"]
    return bool(_normalise(stored.get("analysis", {})) != _normalise(wanted))


def _update_live(client: OpenSearch, name: str, replicas: int | None) -> str:
    """Apply what OpenSearch changes on an open index; report analysis changes, never close."""
    wanted = index_body()
    changed = False
    stored = client.indices.get_settings(index=name)[name]["settings"]["index"]
    stale_analysis = analysis_differs(client, name)
    if replicas is not None and str(stored.get("number_of_replicas")) != str(replicas):
        # Replicas are a dynamic setting: a deploy that changes IndexReplicas applies it live.
        client.indices.put_settings(index=name, body={"index": {"number_of_replicas": replicas}})
        changed = True
    mapping = client.indices.get_mapping(index=name)[name]["mappings"]
    missing = {
        field: spec
        for field, spec in wanted["mappings"]["properties"].items()
        if field not in mapping.get("properties", {})
    }
    if missing:
        try:
            client.indices.put_mapping(index=name, body={"properties": missing})
            changed = True
        except RequestError:
            if not stale_analysis:
                raise
            # A new field on a new analyzer arrives with the new version.
    if stale_analysis:
        return "reindex_needed"
    return "updated" if changed else "unchanged"


def _normalise(value: Any) -> Any:
    """Stored settings come back as strings; compare shapes, not types."""
    if isinstance(value, dict):
        return {k: _normalise(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_normalise(v) for v in value]
    if isinstance(value, bool):
        return str(value).lower()
    return str(value)


def status(client: OpenSearch, alias: str) -> IndexStatus:
    indices = aliased_indices(client, alias)
    if not indices:
        return IndexStatus(alias, (), 0, "missing", None)
    count = client.count(index=alias)["count"]
    health = client.cluster.health(index=",".join(indices))["status"]
    return IndexStatus(alias, indices, count, health, version_of(indices[-1]))


def reindex(client: OpenSearch, alias: str, target_version: int | None = None) -> dict[str, Any]:
    """See :func:`cariberita.index.reindex.reindex` (copy, catch up, check, swap)."""
    from cariberita.index.reindex import reindex as safe_reindex  # it imports this module

    return safe_reindex(client, alias, target_version)
