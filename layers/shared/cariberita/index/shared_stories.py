"""Which articles share their story with another copy: the ``shared_story`` field.

Search counts the copies of the stories it shows with a terms aggregation
(``search/query.py``, ``copies_aggregation``). Over ``story`` it walked every distinct story
of the archive on every search, and the stories count (a cardinality) hashed every match's:
at 1M articles the two were most of a search's time (docs/search.md, "One result per
story"). Over ``shared_story``, which holds the story only on articles that have another copy,
it walks the copied stories alone (7 stories of the 21,936 corpus articles have copies).

The field is kept at ingest (``ingest/opensearch_writer.py``): an article whose story is
already in the index under another id gets it, and so do the copies found there. It is a
superset and nothing clears it: a copy whose twin was deleted keeps it, harmlessly (search
counts stories with two matching copies). Two first copies of one story written by different
invocations within one refresh of each other do not see each other; :func:`mark_all` finds
every copied story: every reindex runs it, and ``cariberita-admin stories mark`` (once after
the deploy that adds the field to an existing archive: the deploy says so).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator, Mapping
from typing import Any

from opensearchpy import NotFoundError, OpenSearch
from opensearchpy.helpers import bulk

from cariberita.errors import CariBeritaError
from cariberita.index.mapping import SHARED_STORY

FIELD = SHARED_STORY
STORY_FIELD = "story"
# Unflagged copies of one story rewritten per write; more (a story syndicated to hundreds of
# sites before the flag existed) are left to mark_all.
MAX_REWRITES_PER_STORY = 100
# Copied stories per aggregation when mark_all walks the whole index.
SWEEP_PAGE = 2_000

Timeout = Callable[[], float]


class MarkingFailed(CariBeritaError):
    """Copies of shared stories could not be rewritten (not a newer copy's 409: a write block,
    a full disk, a rejection)."""


def _two_minutes() -> float:
    """The request timeout where no invocation's deadline applies (admin, reindex)."""
    return 120.0


def _copies_request(stories: Collection[str]) -> dict[str, Any]:
    unmarked = {"bool": {"must_not": [{"exists": {"field": FIELD}}]}}
    return {
        "size": 0,
        "query": {"terms": {STORY_FIELD: sorted(stories)}},
        "aggs": {
            "stories": {
                # ``map``: hash the few matching values, not every story's ordinal of the index.
                "terms": {"field": STORY_FIELD, "size": len(stories), "execution_hint": "map"},
                "aggs": {
                    "ids": {"terms": {"field": "id", "size": 3, "execution_hint": "map"}},
                    "unmarked": {
                        "filter": unmarked,
                        "aggs": {
                            "ids": {
                                "terms": {
                                    "field": "id",
                                    "size": MAX_REWRITES_PER_STORY,
                                    "execution_hint": "map",
                                }
                            }
                        },
                    },
                },
            }
        },
    }


def _keys(agg: Mapping[str, Any]) -> set[str]:
    return {str(b["key"]) for b in agg.get("buckets", [])}


def shared(
    client: OpenSearch,
    index: str,
    incoming: Mapping[str, Collection[str]],
    tombstones: str | None = None,
    timeout: Timeout = _two_minutes,
) -> set[str]:
    """The stories of ``incoming`` (story -> ids about to be written) that have copies under
    more than one id, counting those already searchable in ``index``; the copies found there
    without the field are rewritten with it (same version). Raises the client's errors."""
    stories = {s for s in incoming if s}
    if not stories:
        return set()
    found = client.search(index=index, body=_copies_request(stories), request_timeout=timeout())
    out = {s for s, ids in incoming.items() if s and len(set(ids)) > 1}
    rewrite: dict[str, str] = {}  # id -> story
    for bucket in found.get("aggregations", {}).get("stories", {}).get("buckets", []):
        story = str(bucket["key"])
        ids = _keys(bucket["ids"]) | set(incoming.get(story, ()))
        if len(ids) < 2:
            continue
        out.add(story)
        for article in _keys(bucket["unmarked"]["ids"]) - set(incoming.get(story, ())):
            rewrite[article] = story
    if rewrite:
        # Best effort for ingest: a copy left unflagged waits for mark_all, the write goes on.
        _rewrite(client, index, rewrite, tombstones, timeout)
    return out


def _retracted(
    client: OpenSearch, tombstones: str | None, ids: Collection[str], timeout: Timeout
) -> dict[str, int]:
    if not tombstones or not ids:
        return {}
    try:
        docs = client.mget(
            index=tombstones, body={"ids": sorted(ids)}, _source=False, request_timeout=timeout()
        )["docs"]
    except NotFoundError:  # nothing was ever retracted here
        return {}
    return {d["_id"]: int(d["_version"]) for d in docs if d.get("found")}


def _rewrite(
    client: OpenSearch,
    index: str,
    stories_of: Mapping[str, str],
    tombstones: str | None,
    timeout: Timeout,
) -> tuple[int, list[Any]]:
    """Write each article again with ``shared_story``, at its own external version: a newer
    copy written meanwhile wins (409, ignored), a retracted one is never republished. Returns
    how many were written and the errors of the others (409s left out)."""
    docs = client.mget(index=index, body={"ids": sorted(stories_of)}, request_timeout=timeout())[
        "docs"
    ]
    retracted = _retracted(client, tombstones, stories_of, timeout)
    actions = []
    for doc in docs:
        if not doc.get("found"):
            continue  # deleted meanwhile
        version = int(doc["_version"])
        if retracted.get(doc["_id"], -1) >= version:
            continue
        actions.append(
            {
                "_op_type": "index",
                "_id": doc["_id"],
                "version": version,
                "version_type": "external_gte",
                "_source": {**doc["_source"], FIELD: stories_of[doc["_id"]]},
            }
        )
    if not actions:
        return 0, []
    written, errors = bulk(
        client,
        actions,
        index=index,
        raise_on_error=False,
        max_retries=0,
        request_timeout=timeout(),
    )
    return int(written), [e for e in errors if isinstance(e, dict) and _status(e) != 409]


def _status(error: Mapping[str, Any]) -> int:
    item: Any = next(iter(error.values()), {})
    return int(item.get("status", 0)) if isinstance(item, dict) else 0


def _copied_stories(client: OpenSearch, index: str) -> Iterator[list[str]]:
    """Pages of the stories with two or more articles in ``index``: one terms aggregation per
    partition (each a pass over the index, ~0.4 s at 1M articles), as many partitions as it
    takes for each to hold at most ``SWEEP_PAGE`` copied stories."""
    partitions = 1
    while True:
        pages = []
        for partition in range(partitions):
            terms: dict[str, Any] = {"field": STORY_FIELD, "min_doc_count": 2, "size": SWEEP_PAGE}
            if partitions > 1:
                terms["include"] = {"partition": partition, "num_partitions": partitions}
            buckets = client.search(
                index=index,
                body={"size": 0, "aggs": {"stories": {"terms": terms}}},
                request_timeout=600,
            )["aggregations"]["stories"]["buckets"]
            if len(buckets) >= SWEEP_PAGE:  # maybe more than one page: cut finer
                break
            pages.append([str(b["key"]) for b in buckets])
        else:
            yield from pages
            return
        partitions *= 8


def _mark_stories(
    client: OpenSearch, index: str, stories: list[str], tombstones: str | None
) -> int:
    """Rewrite the unflagged copies of ``stories``, a bounded search at a time. Raises
    MarkingFailed when a rewrite fails for another reason than a newer copy."""
    page = 10_000
    body = {
        "size": page,
        "_source": False,
        "query": {
            "bool": {
                "filter": [{"terms": {STORY_FIELD: stories}}],
                "must_not": [{"exists": {"field": FIELD}}],
            }
        },
        "docvalue_fields": [STORY_FIELD],
    }
    rewritten = 0
    while True:
        hits = client.search(index=index, body=body, request_timeout=600)["hits"]["hits"]
        stories_of = {h["_id"]: h["fields"][STORY_FIELD][0] for h in hits}
        items = list(stories_of.items())
        done = 0
        for start in range(0, len(items), 500):
            part = dict(items[start : start + 500])
            written, failed = _rewrite(client, index, part, tombstones, _two_minutes)
            if failed:
                raise MarkingFailed(
                    f"{len(failed)} of {len(part)} copies of shared stories in {index} could "
                    f"not be rewritten ({rewritten + done + written} were), "
                    f"first: {str(failed[0])[:300]}"
                )
            done += written
        rewritten += done
        if len(hits) < page or not done:  # all seen, or nothing more can be written
            return rewritten
        client.indices.refresh(index=index, request_timeout=600)


def mark_all(
    client: OpenSearch,
    index: str,
    tombstones: str | None = None,
    progress: Callable[[str], None] = lambda _: None,
) -> int:
    """Give every copy of every copied story in ``index`` the field; returns how many articles
    were rewritten. Idempotent; an aggregation over the whole index per 2,000 copied stories.
    Raises MarkingFailed when copies cannot be written (a write block): never a silent 0."""
    client.indices.refresh(index=index, request_timeout=600)
    rewritten = 0
    for stories in _copied_stories(client, index):
        if not stories:
            continue
        rewritten += _mark_stories(client, index, stories, tombstones)
    if rewritten:
        client.indices.refresh(index=index, request_timeout=600)
        progress(f"marked {rewritten} copies of shared stories in {index}")
    return rewritten
