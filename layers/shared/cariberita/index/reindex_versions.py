"""The ``<alias>-v<N>`` versions behind the articles alias: which exist, which is live,
creating the next one for a reindex, and deleting old or abandoned ones (``prune``).

Creating is the lock between two runs (only one create of a name succeeds), and every delete
is checked against the alias in the same cluster-state update, so another operator's swap or
rollback cannot make live an index this module is about to delete (index/reindex.py).
"""

from __future__ import annotations

from typing import Any

from opensearchpy import OpenSearch
from opensearchpy.exceptions import NotFoundError, RequestError

from cariberita.index.manager import (
    aliased_indices,
    analysis_differs,
    mapping_difference,
    version_of,
)
from cariberita.index.mapping import SEARCH_SLOW_LOG, index_body
from cariberita.index.reindex_errors import ReindexError
from cariberita.index.reindex_tasks import Progress, copies_into, stop_copies_into
from cariberita.index.write_block import set_write_block

# Settings a new version inherits from the live one (the rest comes from the shipped body).
INHERITED = ("number_of_shards", "number_of_replicas", "auto_expand_replicas", "refresh_interval")


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


def live_index(client: OpenSearch, alias: str) -> str:
    """The one concrete index behind ``alias``; ReindexError when it points at none or several."""
    current = aliased_indices(client, alias)
    if len(current) != 1:
        raise ReindexError(f"alias {alias!r} points at {list(current) or 'nothing'}; expected one")
    return current[0]


def _definition_differs(client: OpenSearch, index: str) -> str | None:
    """What of ``index``'s analysis or mapping differs from the shipped definition, if any."""
    parts = ["analysis"] if analysis_differs(client, index) else []
    fields = mapping_difference(client, index)
    parts += [f"field {f}" for f in (*fields.missing, *fields.changed)]
    return ", ".join(parts) or None


def prepare_target(
    client: OpenSearch, alias: str, source: str, target: str, resume: bool, progress: Progress
) -> None:
    """Create ``target``; when ``resume``, an existing one is reused if built with the shipped
    definition, after stopping any copy into it and lifting a block a rollback left on it, and
    given the shipped search slow-log thresholds.

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
    set_write_block(client, target, False)  # a rollback leaves its old live version blocked
    # Dynamic settings, so no part of the definition check: a version created by older code
    # gets them here, or it would go live with the slow log off until the next deploy.
    client.indices.put_settings(index=target, body={"index": SEARCH_SLOW_LOG})


def delete_unless_live(client: OpenSearch, alias: str, live: str, index: str) -> None:
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
        delete_unless_live(client, alias, current, index)
        deleted.append(index)
    return deleted
