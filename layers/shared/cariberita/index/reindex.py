"""Move the articles alias to a new index version without losing, reviving or breaking anything.

``reindex`` builds ``<alias>-v<N+1>`` with the shipped mapping and analysis and the live
version's shards, replicas and tuning, copies with ``_reindex`` as a task it follows to the
end, then catches up what ingest wrote during the copy:

1. catch-up passes copy the documents whose ``ingested_at`` is newer than the start of the
   previous pass (less a margin for writes still in flight), until a pass finds few;
2. the live version gets a write block (``index.blocks.write``): ingest treats the block as
   retryable, so those articles wait in the queue and are not reported as rejected;
3. a last pass, then a check by id and version of every document against the (now frozen)
   source: missing or older ones are copied again, ones deleted during the copy are deleted;
4. only when the check is clean does one ``_aliases`` call move the alias (reads and writes).

``_reindex`` copies ``_source`` as it is, so a document from an index built before a derived
field existed (``lead``, ``story``: articles/document.py) arrives without it. After the copy
and after every catch-up pass, :func:`fill_derived` computes them in Python from the
document's ``_source`` with the functions ingest uses and writes the document back with its
own version (``external_gte``), and the check by id also requires them on every document.

Copies keep newer-wins: ``version_type: external_gte`` (the same rule as ingest) with
``conflicts: proceed``, so a pass never overwrites a newer copy with an older one. If anything
fails the alias stays where it was, the write block is lifted, and ``ReindexError`` says why
and how to resume. The old version stays (write-blocked) for ``rollback``; ``prune`` deletes
old versions on request. No step closes an index.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from opensearchpy import OpenSearch
from opensearchpy.exceptions import NotFoundError
from opensearchpy.helpers import bulk, scan

from cariberita.articles.document import DERIVED_FIELDS, derived_for
from cariberita.errors import CariBeritaError
from cariberita.index import shared_stories
from cariberita.index.manager import aliased_indices, concrete_name, version_of
from cariberita.index.mapping import index_body
from cariberita.ingest.opensearch_indexes import tombstones_index

Progress = Callable[[str], None]

# Ingest stamps ``ingested_at`` just before its bulk request: a pass looks back this far for
# writes still in flight. One retried for longer is found by the check by id at the end.
CATCH_UP_MARGIN = timedelta(seconds=30)
MAX_CATCH_UP_PASSES = 4
SETTLED_BELOW = 500  # a catch-up pass that looked at fewer documents ends the passes
IDS_PER_COPY = 1_000
# Settings a new version inherits from the live one (the rest comes from the shipped body).
INHERITED = ("number_of_shards", "number_of_replicas", "auto_expand_replicas", "refresh_interval")
WRITE_BLOCK = "index.blocks.write"
# Documents read (whole ``_source``) and written back per bulk request by fill_derived.
FILL_BATCH = 200
FILL_MAX_BYTES = 10 * 1024 * 1024


class ReindexError(CariBeritaError):
    """A reindex or rollback stopped before the swap; the alias is where it was."""


@dataclass(frozen=True)
class Difference:
    """How ``target`` differs from ``source``, by id and version."""

    source_documents: int
    target_documents: int
    missing: tuple[str, ...]  # in the source, not (or older) in the target
    extra: tuple[str, ...]  # in the target only: deleted from the source during the copy
    newer_in_target: tuple[str, ...]  # never expected: nothing else writes to the target
    underived: tuple[str, ...] = ()  # in the target without a derived field (lead, story)

    @property
    def clean(self) -> bool:
        return not (self.missing or self.extra or self.newer_in_target or self.underived)

    def summary(self) -> str:
        return (
            f"{self.source_documents} in source, {self.target_documents} in target, "
            f"{len(self.missing)} missing or older, {len(self.extra)} deleted in source, "
            f"{len(self.newer_in_target)} newer in target, "
            f"{len(self.underived)} without {'/'.join(DERIVED_FIELDS)}"
        )


def _quiet(_: str) -> None:
    return None


def versions(client: OpenSearch, alias: str) -> list[str]:
    """Every concrete ``<alias>-v<N>`` index, oldest first."""
    try:
        found = client.indices.get_alias(index=f"{alias}-v*", expand_wildcards="open,closed")
    except NotFoundError:
        return []
    named = [i for i in found if i.startswith(f"{alias}-v") and version_of(i) is not None]
    return sorted(named, key=lambda i: version_of(i) or 0)


def new_version_body(client: OpenSearch, source: str) -> dict[str, Any]:
    """The shipped mapping and analysis with ``source``'s shards, replicas and tuning."""
    stored = client.indices.get_settings(index=source)[source]["settings"]["index"]
    body = index_body()
    for key in INHERITED:
        if key in stored:
            body["settings"]["index"][key] = stored[key]
    return body


def copy(
    client: OpenSearch,
    source: str,
    target: str,
    query: dict[str, Any] | None = None,
    progress: Progress = _quiet,
    poll_s: float = 2.0,
) -> dict[str, Any]:
    """Run ``_reindex`` as a task, follow it to the end and return its response.

    Newer-wins (``external_gte``); conflicts are counted, not failures. Raises ReindexError
    when the task fails, is lost, or reports failed documents.
    """
    body: dict[str, Any] = {
        "conflicts": "proceed",
        "source": {"index": source, "size": 1_000},
        "dest": {"index": target, "version_type": "external_gte"},
    }
    if query is not None:
        body["source"]["query"] = query
    started = client.reindex(body=body, wait_for_completion=False, refresh=True, slices="auto")
    task = started["task"]
    while True:
        try:
            state = client.tasks.get(task_id=task)
        except NotFoundError as exc:  # the node running it went away
            raise ReindexError(f"the _reindex task {task} was lost") from exc
        if state.get("completed"):
            break
        status = state.get("task", {}).get("status", {})
        progress(
            f"copying {source} -> {target}: {status.get('created', 0) + status.get('updated', 0)}"
            f" of {status.get('total', '?')}"
        )
        time.sleep(poll_s)
    if state.get("error"):
        raise ReindexError(f"_reindex {source} -> {target} failed: {state['error']}")
    response: dict[str, Any] = state.get("response", {})
    failures = response.get("failures") or []
    if failures:
        raise ReindexError(
            f"_reindex {source} -> {target}: {len(failures)} documents failed, "
            f"first: {str(failures[0])[:300]}"
        )
    return response


def id_versions(client: OpenSearch, index: str) -> dict[str, int]:
    """``{_id: _version}`` of every document (a scroll without sources)."""
    client.indices.refresh(index=index)
    hits = scan(
        client,
        index=index,
        query={"_source": False, "version": True, "sort": ["_doc"]},
        size=5_000,
        scroll="2m",
    )
    return {hit["_id"]: int(hit["_version"]) for hit in hits}


def _lacking_derived() -> dict[str, Any]:
    """Documents without one of the derived fields."""
    return {
        "bool": {
            "should": [{"bool": {"must_not": {"exists": {"field": f}}}} for f in DERIVED_FIELDS],
            "minimum_should_match": 1,
        }
    }


def underived_ids(client: OpenSearch, index: str) -> tuple[str, ...]:
    """Ids of the documents of ``index`` that lack a derived field (``lead``, ``story``)."""
    client.indices.refresh(index=index)
    hits = scan(
        client,
        index=index,
        query={"query": _lacking_derived(), "_source": False, "sort": ["_doc"]},
        size=5_000,
        scroll="2m",
    )
    return tuple(sorted(hit["_id"] for hit in hits))


def fill_derived(client: OpenSearch, index: str, progress: Progress = _quiet) -> int:
    """Compute the derived fields of every document of ``index`` that lacks one; return how many
    were written.

    Each is recomputed from its ``_source`` (``articles.document.derived_for``, what ingest
    writes) and indexed again with its own version and ``external_gte``: a newer copy written
    meanwhile (a catch-up pass) wins, its own fields are filled by the next call. Raises
    ReindexError when a write fails for any other reason than such a newer copy.
    """
    client.indices.refresh(index=index)
    hits = scan(
        client,
        index=index,
        query={"query": _lacking_derived(), "version": True, "sort": ["_doc"]},
        size=FILL_BATCH,
        scroll="5m",
    )
    actions = (
        {
            "_op_type": "index",
            "_id": hit["_id"],
            "version": int(hit["_version"]),
            "version_type": "external_gte",
            "_source": {**hit["_source"], **derived_for(hit["_source"])},
        }
        for hit in hits
    )
    written, errors = bulk(
        client,
        actions,
        index=index,
        chunk_size=FILL_BATCH,
        max_chunk_bytes=FILL_MAX_BYTES,
        raise_on_error=False,
        refresh=True,
    )
    failed = [e for e in errors if _status(e) != 409]  # 409: a newer copy arrived meanwhile
    if failed:
        raise ReindexError(
            f"filling {'/'.join(DERIVED_FIELDS)} in {index}: {len(failed)} documents failed, "
            f"first: {str(failed[0])[:300]}"
        )
    if written:
        progress(f"filled {'/'.join(DERIVED_FIELDS)} of {written} documents in {index}")
    return int(written)


def _status(error: Any) -> int:
    item: Any = next(iter(error.values()), {}) if isinstance(error, dict) else {}
    return int(item.get("status", 0)) if isinstance(item, dict) else 0


def compare(client: OpenSearch, source: str, target: str, derived: bool = False) -> Difference:
    """``target`` against ``source`` by id and version; ``derived``: also list the target's
    documents without a derived field."""
    wanted, have = id_versions(client, source), id_versions(client, target)
    return Difference(
        source_documents=len(wanted),
        target_documents=len(have),
        missing=tuple(sorted(i for i, v in wanted.items() if have.get(i, -1) < v)),
        extra=tuple(sorted(set(have) - set(wanted))),
        newer_in_target=tuple(sorted(i for i, v in wanted.items() if have.get(i, -1) > v)),
        underived=underived_ids(client, target) if derived else (),
    )


def _chunks(items: Iterable[str], size: int) -> Iterator[list[str]]:
    chunk: list[str] = []
    for item in items:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def repair(
    client: OpenSearch, source: str, target: str, difference: Difference, derived: bool = False
) -> None:
    """Copy missing or older documents again; delete the ones the source no longer has;
    ``derived``: fill the derived fields of what was copied (and of any other lacking them)."""
    for ids in _chunks(difference.missing, IDS_PER_COPY):
        copy(client, source, target, query={"ids": {"values": ids}})
    if derived and (difference.missing or difference.underived):
        fill_derived(client, target)
    if difference.extra:
        # POST <target>/_bulk: a domain with rest.action.multi.allow_explicit_index false (the
        # created one) refuses an index named in the body, and operator policies name paths.
        actions = ({"_op_type": "delete", "_id": i} for i in difference.extra)
        bulk(client, actions, index=target, raise_on_error=False, refresh=True)


def _since(moment: datetime) -> dict[str, Any]:
    return {"range": {"ingested_at": {"gte": (moment - CATCH_UP_MARGIN).isoformat()}}}


def _set_write_block(client: OpenSearch, index: str, blocked: bool) -> None:
    client.indices.put_settings(index=index, body={WRITE_BLOCK: blocked if blocked else None})


def _wait_for_health(client: OpenSearch, source: str, target: str, timeout_s: int) -> None:
    """The new version must be as healthy as the live one (green if the live one is green)."""
    wanted = client.cluster.health(index=source)["status"]
    wanted = "yellow" if wanted == "red" else wanted
    health = client.cluster.health(
        index=target,
        wait_for_status=wanted,
        timeout=f"{timeout_s}s",
        request_timeout=timeout_s + 10,
    )
    if health.get("timed_out"):
        raise ReindexError(f"{target} did not reach {wanted} within {timeout_s}s")


def swap(client: OpenSearch, alias: str, source: str, target: str) -> None:
    """Move ``alias`` (reads and writes) from ``source`` to ``target`` in one atomic call."""
    client.indices.update_aliases(
        body={
            "actions": [
                {"remove": {"index": source, "alias": alias}},
                {"add": {"index": target, "alias": alias, "is_write_index": True}},
            ]
        }
    )


def converge_and_swap(
    client: OpenSearch,
    alias: str,
    source: str,
    target: str,
    since: datetime | None,
    progress: Progress = _quiet,
    health_timeout_s: int = 300,
    derived: bool = False,
) -> dict[str, Any]:
    """Catch ``target`` up with the live ``source``, check it by id, then swap the alias.

    ``since``: when the full copy started (None: no time-based passes, the check by id does
    it all). ``derived``: fill the derived fields after every pass and require them on every
    document (a reindex; a rollback to an older version does not). On any failure the source
    is writable again, the alias unchanged, and ReindexError raised.
    """
    passes = 0
    if since is not None:
        mark, previous = since, None
        while passes < MAX_CATCH_UP_PASSES:
            started = datetime.now(UTC)
            seen = copy(client, source, target, query=_since(mark), progress=progress)["total"]
            if derived:
                fill_derived(client, target, progress)
            passes += 1
            mark = started
            progress(f"catch-up pass {passes}: {seen} documents looked at")
            if seen < SETTLED_BELOW or (previous is not None and seen >= previous):
                break  # settled, or no longer shrinking: the write block ends it
            previous = seen
    else:
        repair(client, source, target, compare(client, source, target, derived), derived)
    _wait_for_health(client, source, target, health_timeout_s)
    _set_write_block(client, source, True)
    try:
        if since is not None:
            copy(client, source, target, query=_since(mark), progress=progress)
            if derived:
                fill_derived(client, target, progress)
        difference = compare(client, source, target, derived)
        if not difference.clean:
            progress(f"repairing: {difference.summary()}")
            repair(client, source, target, difference, derived)
            difference = compare(client, source, target, derived)
        if not difference.clean:
            raise ReindexError(f"{target} does not match {source}: {difference.summary()}")
        if derived:  # copies written again by the passes and repairs came without the flag
            shared_stories.mark_all(client, target, tombstones_index(alias), progress)
        swap(client, alias, source, target)
    except BaseException:
        _set_write_block(client, source, False)
        raise
    progress(f"{alias} now on {target} ({difference.target_documents} documents)")
    return {"passes": passes, "documents": difference.target_documents}


def live_index(client: OpenSearch, alias: str) -> str:
    """The one concrete index behind ``alias``; ReindexError when it points at none or several."""
    current = aliased_indices(client, alias)
    if len(current) != 1:
        raise ReindexError(f"alias {alias!r} points at {list(current) or 'nothing'}; expected one")
    return current[0]


def _resume_hint(alias: str, source: str, target: str, why: str) -> str:
    version = version_of(target)
    return (
        f"reindex of {alias!r} stopped: {why}. Nothing changed for readers or writers: the alias "
        f"still points at {source}, which is writable. The incomplete copy is kept in {target}. "
        f"To resume, fix the cause and run `cariberita-admin reindex --to-version {version}` "
        f"(it copies again into {target}, newer-wins); to give up, `cariberita-admin prune`."
    )


def reindex(
    client: OpenSearch,
    alias: str,
    target_version: int | None = None,
    *,
    delete_old: bool = False,
    progress: Progress = _quiet,
) -> dict[str, Any]:
    """Copy the live version into a new one, catch up, check, and swap the alias atomically.

    Raises ReindexError (alias untouched) when the copy fails or does not match the source.
    The old version is kept, write-blocked, for ``rollback`` unless ``delete_old``.
    """
    source = live_index(client, alias)
    version = target_version or (version_of(source) or 0) + 1
    target = concrete_name(alias, version)
    if target == source:
        raise ReindexError(f"{alias!r} already points at {target}")
    started = datetime.now(UTC)
    try:
        if not client.indices.exists(index=target):
            client.indices.create(index=target, body=new_version_body(client, source))
        client.cluster.health(
            index=target, wait_for_status="yellow", timeout="60s", request_timeout=70
        )
        progress(f"copying {source} -> {target}")
        first = copy(client, source, target, progress=progress)
        filled = fill_derived(client, target, progress)
        # An index from before the field, or stories derived anew: find the copies again. Most
        # of the marking happens here; the pass before the swap only meets what was copied since,
        # so the write block stays short.
        shared_stories.mark_all(client, target, tombstones_index(alias), progress)
        outcome = converge_and_swap(client, alias, source, target, started, progress, derived=True)
    except ReindexError as exc:
        raise ReindexError(_resume_hint(alias, source, target, str(exc))) from exc
    except Exception as exc:
        why = f"{type(exc).__name__}: {exc}"
        raise ReindexError(_resume_hint(alias, source, target, why)) from exc
    deleted = []
    if delete_old:
        client.indices.delete(index=source)
        deleted.append(source)
    return {
        "from": source,
        "to": target,
        "copied": first.get("total", 0),
        "derived_filled": filled,
        "catch_up_passes": outcome["passes"],
        "documents": outcome["documents"],
        "seconds": round((datetime.now(UTC) - started).total_seconds(), 1),
        "deleted": deleted,
    }


def rollback(
    client: OpenSearch, alias: str, to_version: int | None = None, progress: Progress = _quiet
) -> dict[str, Any]:
    """Point the alias back at an older version, carrying over what was written since.

    The older version is brought up to date by id (writes and deletes made after the swap),
    then the alias moves back in one call. Raises ReindexError if there is none to go back to.
    """
    current = live_index(client, alias)
    older = [
        i for i in versions(client, alias) if (version_of(i) or 0) < (version_of(current) or 0)
    ]
    if to_version is not None:
        older = [i for i in older if version_of(i) == to_version]
    if not older:
        raise ReindexError(f"no older version of {alias!r} than {current} to roll back to")
    previous = older[-1]
    _set_write_block(client, previous, False)
    outcome = converge_and_swap(client, alias, current, previous, None, progress)
    return {"from": current, "to": previous, "documents": outcome["documents"]}


def prune(client: OpenSearch, alias: str, keep: int = 1) -> list[str]:
    """Delete versions the alias does not point at, keeping the ``keep`` newest older ones."""
    current = live_index(client, alias)
    live = version_of(current) or 0
    others = [i for i in versions(client, alias) if i != current]
    older = [i for i in others if (version_of(i) or 0) < live]
    kept = set(older[-keep:]) if keep > 0 else set()
    doomed = [i for i in others if i not in kept]
    for index in doomed:
        client.indices.delete(index=index)
    return doomed
