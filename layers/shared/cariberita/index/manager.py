"""Create, inspect and migrate the versioned articles index behind its alias.

The alias (``articles`` by default) is what the functions read and write; behind it sits one
concrete index ``<alias>-v<N>``. Creating is idempotent: a second run changes nothing, new
fields, a new replica count and the search slow-log thresholds are applied live, and changed
analysis (any word list, the acronyms included) or a changed field definition (``store``, an
analyser) is *reported* as ``reindex_needed``: OpenSearch changes these only on a closed index
or not at all, and the index readers use is never closed. The change then goes through
``cariberita.index.reindex`` to a new version and an atomic alias swap.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from opensearchpy import OpenSearch
from opensearchpy.exceptions import NotFoundError, RequestError

from cariberita.articles.document import DERIVED_FIELDS
from cariberita.index.mapping import INDEX_VERSION, SEARCH_SLOW_LOG, SHARED_STORY, index_body
from cariberita.observability import logger


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

    Returns ``created``, ``updated`` (replicas, slow-log thresholds or new fields applied live),
    ``unchanged``, or ``reindex_needed``: the shipped analysis or mapping differs from the live
    index's in a way OpenSearch cannot apply to an open index (see :func:`_update_live`); what
    can be applied is, the rest waits (never closed) until ``cariberita-admin reindex`` builds a
    new version. Safe to run on every deploy and from several processes at once.
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
    return _update_live(client, current[-1], replicas)


def analysis_differs(client: OpenSearch, name: str) -> bool:
    """Whether the shipped analysis (word lists, acronyms) differs from index ``name``'s."""
    stored = client.indices.get_settings(index=name)[name]["settings"]["index"]
    wanted = index_body()["settings"]["analysis"]
    return bool(_normalise(stored.get("analysis", {})) != _normalise(wanted))


@dataclass(frozen=True)
class MappingDifference:
    """How the live index's mapping differs from the shipped one, field by field."""

    missing: dict[str, Any]  # shipped fields the live index lacks: added in place
    changed: tuple[str, ...]  # fields defined differently (stored, analysed...): a reindex

    @property
    def clean(self) -> bool:
        return not (self.missing or self.changed)


def mapping_difference(client: OpenSearch, name: str) -> MappingDifference:
    """Compare index ``name``'s mapping with the shipped one (top-level fields)."""
    live = client.indices.get_mapping(index=name)[name]["mappings"].get("properties", {})
    wanted = index_body()["mappings"]["properties"]
    return MappingDifference(
        missing={f: spec for f, spec in wanted.items() if f not in live},
        changed=tuple(
            sorted(f for f, spec in wanted.items() if f in live and not _same(live[f], spec))
        ),
    )


# What GET _mapping leaves out or adds although it is what was asked: the default date format
# is omitted, a search_as_you_type field reports doc_values false.
_DEFAULT_DATE_FORMAT = "strict_date_optional_time||epoch_millis"


def _canonical(spec: Any) -> Any:
    if not isinstance(spec, dict):
        return spec
    out = {k: _canonical(v) for k, v in spec.items()}
    if out.get("format") == _DEFAULT_DATE_FORMAT:
        del out["format"]
    if out.get("type") == "search_as_you_type":
        out.pop("doc_values", None)
    return out


def _same(live: Any, wanted: Any) -> bool:
    return bool(_normalise(_canonical(live)) == _normalise(_canonical(wanted)))


def _update_live(client: OpenSearch, name: str, replicas: int | None) -> str:
    """Apply what OpenSearch changes on an open index; report the rest, never close.

    ``reindex_needed`` when the analysis differs, a field is defined differently (``store``
    cannot be switched on in place, an analyser not changed), a new field cannot be added, a
    field derived at ingest (``lead``, ``story``) was just added to an index that has documents
    without it, or the live version is older than ``INDEX_VERSION``.
    """
    changed = False
    stored = client.indices.get_settings(index=name)[name]["settings"]["index"]
    stale = analysis_differs(client, name) or (version_of(name) or 0) < INDEX_VERSION
    if replicas is not None and str(stored.get("number_of_replicas")) != str(replicas):
        # Replicas are a dynamic setting: a deploy that changes IndexReplicas applies it live.
        client.indices.put_settings(index=name, body={"index": {"number_of_replicas": replicas}})
        changed = True
    thresholds = slow_log_changes(stored)
    if thresholds:
        # Dynamic too: an index created before them logs from this deploy on. The shipped values
        # win: a threshold changed by hand (PUT _settings) is set back at the next deploy.
        client.indices.put_settings(index=name, body={"index": thresholds})
        changed = True
    difference = mapping_difference(client, name)
    stale = stale or bool(difference.changed)
    for field, spec in difference.missing.items():
        # One by one: a field that needs the new analysis waits for the new version, the
        # others are added now, so that ingest (strict mapping) can write them meanwhile.
        try:
            client.indices.put_mapping(index=name, body={"properties": {field: spec}})
            changed = True
        except RequestError:
            stale = True
    if set(difference.missing) & set(DERIVED_FIELDS) and _has_documents(client, name):
        stale = True  # its documents get them from the reindex (index/reindex_check.py fills them)
    elif SHARED_STORY in difference.missing and not stale and _has_documents(client, name):
        # Marking rewrites articles: the operator's job (the deploy may not write articles).
        logger.warning(
            "copies of a story are counted once `cariberita-admin stories mark` has run "
            "(docs/operations.md, 'Shared stories')",
            extra={"index": name},
        )
    if stale:
        return "reindex_needed"
    return "updated" if changed else "unchanged"


def slow_log_changes(stored: dict[str, Any]) -> dict[str, str]:
    """The shipped search slow-log thresholds that index settings ``stored`` (GET _settings,
    ``settings.index``) lack or set otherwise."""
    return {k: v for k, v in SEARCH_SLOW_LOG.items() if _setting(stored, k) != v}


def _setting(stored: dict[str, Any], key: str) -> Any:
    # GET _settings nests a dotted name: ``search.slowlog...`` is under ``search``, ``slowlog``...
    node: Any = stored
    for part in key.split("."):
        node = node.get(part) if isinstance(node, dict) else None
    return node


def _has_documents(client: OpenSearch, name: str) -> bool:
    return int(client.count(index=name).get("count", 0)) > 0


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
