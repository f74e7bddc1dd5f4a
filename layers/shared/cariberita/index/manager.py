"""Create, inspect and migrate the versioned articles index behind its alias.

The alias (``articles`` by default) is what the functions read and write; behind it sits one
concrete index ``<alias>-v<N>``. Creating is idempotent: a second run changes nothing, a run
with new analysis word lists updates them in place (close, update, open), and a change that
needs new postings goes through :func:`reindex` to a new version and an atomic alias swap.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from opensearchpy import OpenSearch
from opensearchpy.exceptions import NotFoundError

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


def _version_of(index: str) -> int | None:
    _, _, tail = index.rpartition("-v")
    return int(tail) if tail.isdigit() else None


def aliased_indices(client: OpenSearch, alias: str) -> tuple[str, ...]:
    try:
        return tuple(sorted(client.indices.get_alias(name=alias)))
    except NotFoundError:
        return ()


def ensure_index(
    client: OpenSearch, alias: str, replicas: int | None = None, shards: int = 1
) -> str:
    """Make ``alias`` point at an index with the current definition; return what was done.

    Returns ``created``, ``updated`` (word lists or new fields applied in place) or
    ``unchanged``. Safe to run on every deploy and from several processes at once.
    ``replicas=None`` creates without replicas and leaves an existing index's count alone.
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
    return _update_in_place(client, current[-1], replicas)


def _update_in_place(client: OpenSearch, name: str, replicas: int | None) -> str:
    wanted = index_body()
    changed = False
    stored = client.indices.get_settings(index=name)[name]["settings"]["index"]
    if _normalise(stored.get("analysis", {})) != _normalise(wanted["settings"]["analysis"]):
        # Analysis settings can only change on a closed index; the close is brief.
        client.indices.close(index=name)
        try:
            client.indices.put_settings(
                index=name, body={"analysis": wanted["settings"]["analysis"]}
            )
        finally:
            client.indices.open(index=name)
            client.cluster.health(index=name, wait_for_status="yellow")
        changed = True
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
        client.indices.put_mapping(index=name, body={"properties": missing})
        changed = True
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
    return IndexStatus(alias, indices, count, health, _version_of(indices[-1]))


def reindex(client: OpenSearch, alias: str, target_version: int | None = None) -> dict[str, Any]:
    """Copy the alias's documents into a new index version and swap the alias atomically.

    Writes made during the copy land in the old index; run it while ingestion is paused (the
    queue keeps the uploads) or replay the bucket afterwards (docs/operations.md).
    """
    current = aliased_indices(client, alias)
    if not current:
        raise ValueError(f"alias {alias!r} does not exist; run create first")
    source = current[-1]
    version = target_version or (_version_of(source) or 0) + 1
    target = concrete_name(alias, version)
    if target == source:
        raise ValueError(f"{alias!r} already points at {target}")
    if not client.indices.exists(index=target):
        client.indices.create(index=target, body=index_body())
    result = client.reindex(
        body={"source": {"index": source}, "dest": {"index": target, "version_type": "external"}},
        wait_for_completion=True,
        refresh=True,
        request_timeout=3600,
    )
    client.indices.update_aliases(
        body={
            "actions": [
                {"remove": {"index": source, "alias": alias}},
                {"add": {"index": target, "alias": alias, "is_write_index": True}},
            ]
        }
    )
    return {
        "from": source,
        "to": target,
        "copied": result.get("total", 0),
        "failures": result.get("failures", []),
    }
