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
and after every catch-up pass, :func:`~cariberita.index.reindex_check.fill_derived` computes
them in Python from the document's ``_source`` with the functions ingest uses and writes the
document back with its own version (``external_gte``), and the check by id also requires them
on every document.

Copies keep newer-wins: ``version_type: external_gte`` (the same rule as ingest) with
``conflicts: proceed``, so a pass never overwrites a newer copy with an older one. If anything
fails the alias stays where it was, the write block is lifted (retried; if it cannot be,
``WriteBlockLeft`` says so and how), and ``ReindexError`` says why and how to resume. The old
version stays (write-blocked) for ``rollback``; ``prune`` deletes older versions on request
(newer ones, a stopped or rolled-back copy, only with ``abandoned``). No step closes an index.

This module holds the procedure; its parts are beside it: ``reindex_tasks`` (the ``_reindex``
tasks: copy, follow, cancel), ``reindex_check`` (the check by id, repair, the derived fields),
``write_block`` (setting and lifting the block), ``reindex_versions`` (listing, creating and
pruning versions) and ``reindex_errors``.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from opensearchpy import OpenSearch

from cariberita.index import shared_stories
from cariberita.index.manager import aliased_indices, concrete_name, version_of
from cariberita.index.mapping import INDEX_VERSION
from cariberita.index.reindex_check import compare, fill_derived, repair
from cariberita.index.reindex_errors import AliasMoved, ReindexError, WriteBlockLeft
from cariberita.index.reindex_tasks import Progress, copy, quiet, stop_copies_into
from cariberita.index.reindex_versions import (
    delete_unless_live,
    live_index,
    prepare_target,
    versions,
)
from cariberita.index.write_block import UNBLOCK_WAITS, lift_block, set_write_block
from cariberita.ingest.opensearch_indexes import tombstones_index

# Ingest stamps ``ingested_at`` per bulk request (ingest/opensearch_writer.py): a pass looks
# back this far for writes still in flight: a bulk request's timeout (60 s) plus clock skew
# between Lambda and the operator's machine. The margin only keeps the write block short; what
# a pass misses (a request the domain ran late, a worse clock) is found under the block by the
# check by id, which compares ``ingested_at`` as well as the version: a same-version rewrite (a
# re-upload, a backfill after a parser fix) has the same version and only a new stamp.
CATCH_UP_MARGIN = timedelta(minutes=2)
MAX_CATCH_UP_PASSES = 4
SETTLED_BELOW = 500  # a catch-up pass that looked at fewer documents ends the passes


def _since(moment: datetime) -> dict[str, Any]:
    return {"range": {"ingested_at": {"gte": (moment - CATCH_UP_MARGIN).isoformat()}}}


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


def converge_and_swap(
    client: OpenSearch,
    alias: str,
    source: str,
    target: str,
    since: datetime | None,
    progress: Progress = quiet,
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
    set_write_block(client, source, True)
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
        lift_block(client, source, exc, unblock_waits)
        raise
    progress(f"{alias} now on {target} ({difference.target_documents} documents)")
    return {"passes": passes, "documents": difference.target_documents}


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


def reindex(
    client: OpenSearch,
    alias: str,
    target_version: int | None = None,
    *,
    delete_old: bool = False,
    progress: Progress = quiet,
    unblock_waits: Sequence[float] = UNBLOCK_WAITS,
) -> dict[str, Any]:
    """Copy the live version into a new one, catch up, check, and swap the alias atomically.

    Raises ReindexError (alias untouched) when the copy fails or does not match the source,
    when the new version exists and ``target_version`` does not name it (a resume), or when
    a resumed one has another definition. The old version is kept, write-blocked, for
    ``rollback`` unless ``delete_old``.
    """
    source = live_index(client, alias)
    # The new version holds the shipped definition, so it is numbered at least INDEX_VERSION:
    # the deploy calls an index numbered lower stale (a v1 archive is rebuilt as v3 at once,
    # not as a v2 that the next deploy would ask to rebuild again).
    version = target_version or max((version_of(source) or 0) + 1, INDEX_VERSION)
    target = concrete_name(alias, version)
    if target == source:
        raise ReindexError(f"{alias!r} already points at {target}")
    started = datetime.now(UTC)
    try:
        prepare_target(client, alias, source, target, target_version is not None, progress)
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
        delete_unless_live(client, alias, target, source)
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
    client: OpenSearch, alias: str, to_version: int | None = None, progress: Progress = quiet
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
    set_write_block(client, previous, False)
    outcome = converge_and_swap(client, alias, current, previous, None, progress)
    return {"from": current, "to": previous, "documents": outcome["documents"]}
