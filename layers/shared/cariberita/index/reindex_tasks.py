"""The ``_reindex`` tasks of a reindex: start one and follow it to the end, find and cancel
the ones still writing into an index.

A copy runs as a task (``wait_for_completion=false``) because copying an archive outlasts any
request timeout; a task outlives the connection that started it, so a run cancels its own when
it stops and, before it checks a target, any other still writing there (index/reindex.py).
"""

from __future__ import annotations

import contextlib
import re
import time
from collections.abc import Callable
from typing import Any

from opensearchpy import OpenSearch
from opensearchpy.exceptions import NotFoundError

from cariberita.index.reindex_errors import ReindexError

# How a run reports what it is doing (the admin prints each line).
Progress = Callable[[str], None]

# How long a cancelled ``_reindex`` task may take to stop (it ends after its current batch).
TASKS_STOP_WITHIN_S = 120.0
# ``GET _tasks`` describes a reindex as "reindex from [<source>] to [<dest>]".
_TASK_DEST = re.compile(r" to \[([^\]]+)\]")


def quiet(_: str) -> None:
    return None


def copy(
    client: OpenSearch,
    source: str,
    target: str,
    query: dict[str, Any] | None = None,
    progress: Progress = quiet,
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
    progress: Progress = quiet,
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
