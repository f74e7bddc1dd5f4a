"""Move the articles alias to a new index version without losing, reviving or breaking anything.

``reindex`` builds ``<alias>-v<N+1>`` with the shipped mapping and analysis and the live
version's shards, replicas and tuning, copies with ``_reindex`` as a task it follows to the
end, then catches up what ingest wrote during the copy:

1. catch-up passes copy the documents whose ``ingested_at`` is newer than the start of the
   previous pass (less a margin for writes still in flight), until a pass finds few;
2. the live version gets a write block (``index.blocks.write``): ingest treats the block as
   retryable, so those articles wait in the queue and are not reported as rejected;
3. a last pass, then a check by id, version and ``ingested_at`` of every document against the
   (now frozen) source: missing, older or rewritten ones are copied again, ones deleted during
   the copy are deleted;
4. only when the check is clean does one ``_aliases`` call move the alias (reads and writes),
   and only if it is still on the source (``must_exist``).

Other runs are the danger, not ingest: a second reindex, a rollback or a prune by another
operator, or the ``_reindex`` task of a run whose connection dropped. So the new version is
created, never reused, unless ``--to-version`` asks to resume it (then its definition must be
the shipped one, and any ``_reindex`` task still writing into it is cancelled first); the alias
is checked again after the write block, before anything is deleted from the target; ``prune``
deletes an index in the same cluster-state update that checks the alias.

``_reindex`` copies ``_source`` as it is, so a document from an index built before a derived
field existed (``lead``, ``story``: articles/document.py) arrives without it. After the copy
and after every catch-up pass, :func:`fill_derived` computes them in Python from the
document's ``_source`` with the functions ingest uses and writes the document back with its
own version (``external_gte``), and the check by id also requires them on every document.

Copies keep newer-wins: ``version_type: external_gte`` (the same rule as ingest) with
``conflicts: proceed``, so a pass never overwrites a newer copy with an older one. If anything
fails the alias stays where it was, the write block is lifted (retried; if it cannot be,
``WriteBlockLeft`` says so and how), and ``ReindexError`` says why and how to resume. The old
version stays (write-blocked) for ``rollback``; ``prune`` deletes older versions on request
(newer ones, a stopped or rolled-back copy, only with ``abandoned``). No step closes an index.
"""

from __future__ import annotations

import contextlib
import re
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from opensearchpy import OpenSearch
from opensearchpy.exceptions import NotFoundError, RequestError
from opensearchpy.helpers import bulk, scan

from cariberita.articles.document import DERIVED_FIELDS, derived_for
from cariberita.errors import CariBeritaError
from cariberita.index import shared_stories
from cariberita.index.manager import (
    aliased_indices,
    analysis_differs,
    concrete_name,
    mapping_difference,
    version_of,
)
from cariberita.index.mapping import index_body
from cariberita.ingest.opensearch_indexes import tombstones_index

Progress = Callable[[str], None]

# Ingest stamps ``ingested_at`` per bulk request (ingest/opensearch_writer.py): a pass looks
# back this far for writes still in flight: a bulk request's timeout (60 s) plus clock skew
# between Lambda and the operator's machine. The margin only keeps the write block short; what
# a pass misses (a request the domain ran late, a worse clock) is found under the block by the
# check by id, which compares ``ingested_at`` as well as the version: a same-version rewrite (a
# re-upload, a backfill after a parser fix) has the same version and only a new stamp.
CATCH_UP_MARGIN = timedelta(minutes=2)
MAX_CATCH_UP_PASSES = 4
SETTLED_BELOW = 500  # a catch-up pass that looked at fewer documents ends the passes
IDS_PER_COPY = 1_000
# Settings a new version inherits from the live one (the rest comes from the shipped body).
INHERITED = ("number_of_shards", "number_of_replicas", "auto_expand_replicas", "refresh_interval")
WRITE_BLOCK = "index.blocks.write"
STAMP = "ingested_at"
# Seconds between attempts to lift the write block after a failure (a domain that stopped
# answering for a while): about half a minute in all before giving up and saying so.
UNBLOCK_WAITS = (1.0, 2.0, 4.0, 8.0, 16.0)
# How long a cancelled ``_reindex`` task may take to stop (it ends after its current batch).
TASKS_STOP_WITHIN_S = 120.0
# ``GET _tasks`` describes a reindex as "reindex from [<source>] to [<dest>]".
_TASK_DEST = re.compile(r" to \[([^\]]+)\]")
# Documents read (whole ``_source``) and written back per bulk request by fill_derived.
FILL_BATCH = 200
FILL_MAX_BYTES = 10 * 1024 * 1024


class ReindexError(CariBeritaError):
    """A reindex or rollback stopped before the swap; the alias is where it was."""


class AliasMoved(ReindexError):
    """Another run moved the alias away from this run's source: this run stops, touches nothing."""


class WriteBlockLeft(ReindexError):
    """A run failed after write-blocking the live index, and lifting the block failed too."""

    def __init__(self, index: str, message: str) -> None:
        super().__init__(message)
        self.index = index


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
    when the task fails, is lost, or reports failed documents. If following it fails (Ctrl-C,
    an error) the task is cancelled: left running, it would write its old snapshot into
    ``target`` after this run or the next has checked it.
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
    try:
        state = _follow(client, task, source, target, progress, poll_s)
    except BaseException:
        _cancel_quietly(client, task)
        raise
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


def _follow(
    client: OpenSearch, task: str, source: str, target: str, progress: Progress, poll_s: float
) -> dict[str, Any]:
    # Polled at 0.1 s, doubling up to ``poll_s``: a catch-up pass or a repair under the write
    # block copies a few documents in well under a second, and the block lasts as long.
    wait = min(0.1, poll_s)
    while True:
        try:
            state: dict[str, Any] = client.tasks.get(task_id=task)
        except NotFoundError as exc:  # the node running it went away
            raise ReindexError(f"the _reindex task {task} was lost") from exc
        if state.get("completed"):
            return state
        status = state.get("task", {}).get("status", {})
        progress(
            f"copying {source} -> {target}: {status.get('created', 0) + status.get('updated', 0)}"
            f" of {status.get('total', '?')}"
        )
        time.sleep(wait)
        wait = min(wait * 2, poll_s)


def _cancel_quietly(client: OpenSearch, task: str) -> None:
    """Best effort: the failure being raised matters more than this one."""
    with contextlib.suppress(Exception):  # ended meanwhile, or the domain is not answering
        client.tasks.cancel(task_id=task)


def copies_into(client: OpenSearch, index: str) -> dict[str, bool]:
    """The running ``_reindex`` tasks that write into ``index``: ``{task id: has a parent}``
    (a sliced copy runs one child task per slice under its parent)."""
    listed = client.tasks.list(actions="*reindex", detailed=True)
    found: dict[str, bool] = {}
    for node in listed.get("nodes", {}).values():
        for task_id, task in node.get("tasks", {}).items():
            dest = _TASK_DEST.search(str(task.get("description", "")))
            if dest and dest.group(1) == index:
                found[str(task_id)] = "parent_task_id" in task
    return found


def stop_copies_into(
    client: OpenSearch,
    index: str,
    progress: Progress = _quiet,
    within_s: float = TASKS_STOP_WITHIN_S,
    poll_s: float = 1.0,
) -> list[str]:
    """Cancel every ``_reindex`` task writing into ``index`` and wait until all have ended;
    return the ids cancelled. Raises ReindexError if one is still running after ``within_s``.

    A run whose connection dropped leaves its task running on the cluster; it copies from its
    own snapshot, so after a re-run's check it would write back what was retracted since.
    """
    running = copies_into(client, index)
    cancelled = [task for task, child in running.items() if not child]  # children follow
    for task in cancelled:
        progress(f"cancelling _reindex task {task}: it still writes into {index}")
        _cancel_quietly(client, task)
    give_up = time.monotonic() + within_s
    while running:
        if time.monotonic() > give_up:
            raise ReindexError(
                f"_reindex tasks {sorted(running)} still write into {index} {within_s:.0f}s "
                "after being cancelled; see GET _tasks?actions=*reindex&detailed"
            )
        time.sleep(poll_s)
        running = copies_into(client, index)
    return cancelled


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


def id_stamps(client: OpenSearch, index: str) -> dict[str, tuple[int, str | None]]:
    """``{_id: (_version, ingested_at)}`` of every document (a scroll without sources; the
    stamp from doc values, to the millisecond)."""
    client.indices.refresh(index=index)
    hits = scan(
        client,
        index=index,
        query={
            "_source": False,
            "version": True,
            "docvalue_fields": [{"field": STAMP, "format": "epoch_millis"}],
            "sort": ["_doc"],
        },
        size=5_000,
        scroll="2m",
    )
    return {
        hit["_id"]: (int(hit["_version"]), (hit.get("fields", {}).get(STAMP) or [None])[0])
        for hit in hits
    }


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
    """``target`` against ``source`` by id, version and ``ingested_at``; ``derived``: also list
    the target's documents without a derived field.

    Same version, another stamp counts as missing: the source was written again at the same
    version (a re-upload, a backfill after a parser fix) and only the stamp tells. Only copies
    from the source write the target, so the source's is the newer write.
    """
    wanted, have = id_stamps(client, source), id_stamps(client, target)
    absent: tuple[int, str | None] = (-1, None)
    return Difference(
        source_documents=len(wanted),
        target_documents=len(have),
        missing=tuple(sorted(i for i, w in wanted.items() if _behind(have.get(i, absent), w))),
        extra=tuple(sorted(set(have) - set(wanted))),
        newer_in_target=tuple(
            sorted(i for i, (v, _) in wanted.items() if have.get(i, absent)[0] > v)
        ),
        underived=underived_ids(client, target) if derived else (),
    )


def _behind(have: tuple[int, str | None], wanted: tuple[int, str | None]) -> bool:
    return have[0] < wanted[0] or (have[0] == wanted[0] and have[1] != wanted[1])


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
    """Move ``alias`` (reads and writes) from ``source`` to ``target`` in one atomic call.

    ``must_exist``: if another run moved the alias away from ``source`` meanwhile, the call
    fails as a whole (404) instead of pointing the alias at ``target`` and another index.
    """
    client.indices.update_aliases(
        body={
            "actions": [
                {"remove": {"index": source, "alias": alias, "must_exist": True}},
                {"add": {"index": target, "alias": alias, "is_write_index": True}},
            ]
        }
    )


def _still_live(client: OpenSearch, alias: str, source: str, target: str) -> None:
    """Raise AliasMoved unless ``alias`` is on ``source`` alone.

    Once another run has swapped, ``target`` may be live: what this run would call "deleted in
    the source" is what ingest wrote there since, and must not be deleted.
    """
    current = aliased_indices(client, alias)
    if current != (source,):
        raise AliasMoved(
            f"alias {alias!r} moved to {list(current) or 'nothing'} while this run was copying "
            f"{source} -> {target} (another reindex or rollback?); this run stopped and left "
            "the alias and both indices as they were"
        )


def _lift_block(
    client: OpenSearch, index: str, cause: BaseException, waits: Sequence[float]
) -> None:
    """Lift the write block on ``index``, retrying; raise WriteBlockLeft (from ``cause``) if it
    cannot be lifted: ingest keeps retrying its articles until someone does."""
    last: Exception | None = None
    for wait in (0.0, *waits):
        time.sleep(wait)
        try:
            _set_write_block(client, index, False)
            return
        except Exception as exc:  # the domain is not answering: try again
            last = exc
    raise WriteBlockLeft(
        index,
        f"{type(cause).__name__}: {cause}. Then lifting the write block failed too "
        f"({len(waits) + 1} attempts, last: {type(last).__name__}: {last}): {index} is STILL "
        f"WRITE-BLOCKED, ingest cannot write until it is lifted: "
        f'PUT {index}/_settings {{"{WRITE_BLOCK}": null}}',
    ) from cause


def converge_and_swap(
    client: OpenSearch,
    alias: str,
    source: str,
    target: str,
    since: datetime | None,
    progress: Progress = _quiet,
    health_timeout_s: int = 300,
    derived: bool = False,
    unblock_waits: Sequence[float] = UNBLOCK_WAITS,
) -> dict[str, Any]:
    """Catch ``target`` up with the live ``source``, check it by id, then swap the alias.

    ``since``: when the full copy started (None: no time-based passes, the check by id does
    it all). ``derived``: fill the derived fields after every pass and require them on every
    document (a reindex; a rollback to an older version does not). On any failure the alias
    is unchanged and ReindexError raised: AliasMoved if another run moved it (nothing more is
    touched), WriteBlockLeft if ``source`` stays write-blocked, else ``source`` is writable.
    """
    passes = 0
    _still_live(client, alias, source, target)
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
            _still_live(client, alias, source, target)
            if seen < SETTLED_BELOW or (previous is not None and seen >= previous):
                break  # settled, or no longer shrinking: the write block ends it
            previous = seen
    else:
        repair(client, source, target, compare(client, source, target, derived), derived)
    _wait_for_health(client, source, target, health_timeout_s)
    _still_live(client, alias, source, target)
    _set_write_block(client, source, True)
    try:
        # Again: another run may have swapped between the check above and the block.
        _still_live(client, alias, source, target)
        # A copy of a run that lost its connection must not write after the check.
        stop_copies_into(client, target, progress)
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
    except AliasMoved:
        raise  # the block belongs to the run that moved it: its old version keeps it
    except BaseException as exc:
        _lift_block(client, source, exc, unblock_waits)
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
        f"(it copies again into {target}, newer-wins); to give up, "
        "`cariberita-admin prune --abandoned`."
    )


def _blocked_hint(alias: str, target: str, exc: WriteBlockLeft) -> str:
    return (
        f"reindex of {alias!r} stopped: {exc}. The alias still points at {exc.index}. Once the "
        f"block is lifted, resume with `cariberita-admin reindex --to-version "
        f"{version_of(target)}`, or give up with `cariberita-admin prune --abandoned`."
    )


def _definition_differs(client: OpenSearch, index: str) -> str | None:
    """What of ``index``'s analysis or mapping differs from the shipped definition, if any."""
    parts = ["analysis"] if analysis_differs(client, index) else []
    fields = mapping_difference(client, index)
    parts += [f"field {f}" for f in (*fields.missing, *fields.changed)]
    return ", ".join(parts) or None


def _prepare_target(
    client: OpenSearch, alias: str, source: str, target: str, resume: bool, progress: Progress
) -> None:
    """Create ``target``; when ``resume``, an existing one is reused if built with the shipped
    definition, after stopping any copy into it and lifting a block a rollback left on it.

    Creating is the lock between two runs: only one create of a name succeeds.
    """
    try:
        client.indices.create(index=target, body=new_version_body(client, source))
        return
    except RequestError as exc:
        if "resource_already_exists_exception" not in str(exc):
            raise
    version = version_of(target)
    if not resume:
        raise ReindexError(
            f"{target} already exists: another reindex may be copying into it (see "
            "GET _tasks?actions=*reindex&detailed), or an earlier one stopped, or a rollback "
            f"left it. Nothing was changed. To resume into it: `cariberita-admin reindex "
            f"--to-version {version}` (this stops any copy still writing into it); to start "
            "over: `cariberita-admin prune --abandoned`, then `cariberita-admin reindex`"
        )
    differs = _definition_differs(client, target)
    if differs:
        raise ReindexError(
            f"{target} was built with another definition than this code's ({differs}); a "
            "resume would serve that one. Nothing was changed. Delete it with "
            "`cariberita-admin prune --abandoned`, then run `cariberita-admin reindex`"
        )
    stop_copies_into(client, target, progress)
    _set_write_block(client, target, False)  # a rollback leaves its old live version blocked


def reindex(
    client: OpenSearch,
    alias: str,
    target_version: int | None = None,
    *,
    delete_old: bool = False,
    progress: Progress = _quiet,
    unblock_waits: Sequence[float] = UNBLOCK_WAITS,
) -> dict[str, Any]:
    """Copy the live version into a new one, catch up, check, and swap the alias atomically.

    Raises ReindexError (alias untouched) when the copy fails or does not match the source,
    when the new version exists and ``target_version`` does not name it (a resume), or when
    a resumed one has another definition. The old version is kept, write-blocked, for
    ``rollback`` unless ``delete_old``.
    """
    source = live_index(client, alias)
    version = target_version or (version_of(source) or 0) + 1
    target = concrete_name(alias, version)
    if target == source:
        raise ReindexError(f"{alias!r} already points at {target}")
    started = datetime.now(UTC)
    try:
        _prepare_target(client, alias, source, target, target_version is not None, progress)
    except ReindexError:
        raise
    except Exception as exc:
        raise ReindexError(
            f"reindex of {alias!r} stopped before copying: {type(exc).__name__}: {exc}. "
            f"Nothing changed for readers or writers: the alias still points at {source}"
        ) from exc
    try:
        client.cluster.health(
            index=target, wait_for_status="yellow", timeout="60s", request_timeout=70
        )
        _still_live(client, alias, source, target)
        progress(f"copying {source} -> {target}")
        first = copy(client, source, target, progress=progress)
        filled = fill_derived(client, target, progress)
        # An index from before the field, or stories derived anew: find the copies again. Most
        # of the marking happens here; the pass before the swap only meets what was copied since,
        # so the write block stays short.
        shared_stories.mark_all(client, target, tombstones_index(alias), progress)
        outcome = converge_and_swap(
            client,
            alias,
            source,
            target,
            started,
            progress,
            derived=True,
            unblock_waits=unblock_waits,
        )
    except AliasMoved as exc:
        raise ReindexError(f"reindex of {alias!r} stopped: {exc}") from exc
    except WriteBlockLeft as exc:
        raise ReindexError(_blocked_hint(alias, target, exc)) from exc
    except ReindexError as exc:
        raise ReindexError(_resume_hint(alias, source, target, str(exc))) from exc
    except Exception as exc:
        why = f"{type(exc).__name__}: {exc}"
        raise ReindexError(_resume_hint(alias, source, target, why)) from exc
    deleted = []
    if delete_old:
        _delete_unless_live(client, alias, target, source)
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
    The version left behind stays write-blocked; ``reindex --to-version`` can resume into it.
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


def _delete_unless_live(client: OpenSearch, alias: str, live: str, index: str) -> None:
    """Delete ``index`` in the same cluster-state update that checks ``alias`` is on ``live``.

    A check then a DELETE leaves a gap in which another operator's swap or rollback can make
    ``index`` live. ``remove`` with ``must_exist`` fails the whole call (404) unless the alias
    is on ``live``; ``add`` puts it back at once; ``remove_index`` deletes in the same update.
    """
    try:
        client.indices.update_aliases(
            body={
                "actions": [
                    {"remove": {"index": live, "alias": alias, "must_exist": True}},
                    {"add": {"index": live, "alias": alias, "is_write_index": True}},
                    {"remove_index": {"index": index}},
                ]
            }
        )
    except NotFoundError as exc:
        raise ReindexError(
            f"alias {alias!r} is no longer on {live} (another reindex or rollback?): {index} "
            "was not deleted; check `cariberita-admin status` and run prune again"
        ) from exc


def prune(client: OpenSearch, alias: str, keep: int = 1, abandoned: bool = False) -> list[str]:
    """Delete versions older than the live one, keeping the ``keep`` newest of them;
    ``abandoned``: also versions newer than the live one (a stopped reindex's copy, a rolled
    back version) that no ``_reindex`` task writes into.

    Each delete is conditional on the alias still being on the live version it read, so a
    concurrent swap or rollback fails the prune (ReindexError) instead of losing the live index.
    Without ``abandoned`` a newer version is never deleted: it may be another run's target.
    """
    current = live_index(client, alias)
    live = version_of(current) or 0
    others = [i for i in versions(client, alias) if i != current]
    older = [i for i in others if (version_of(i) or 0) < live]
    doomed = older[: len(older) - keep] if keep > 0 else older
    if abandoned:
        for index in (i for i in others if (version_of(i) or 0) > live):
            if copies_into(client, index):
                raise ReindexError(
                    f"a _reindex task still writes into {index} (a reindex running?); nothing "
                    "more was deleted. See GET _tasks?actions=*reindex&detailed"
                )
            doomed.append(index)
    deleted = []
    for index in doomed:
        _delete_unless_live(client, alias, current, index)
        deleted.append(index)
    return deleted
