"""Collapsed results after a cursor: one result per story, never one already shown.

OpenSearch 2.19 refuses ``collapse`` together with ``search_after`` ("cannot use `collapse` in
conjunction with `search_after`"), whatever the sort. Page-number requests collapse natively;
a cursor page is built here in three steps, with the same sort as every other page:

1. scan: the uncollapsed hits after the cursor (``search_after``), only their story and sort;
2. keep a hit only if it is its story's *representative*, the story's first article in the
   request's sort (a ``top_hits`` of one per story, same query, same sort): a story therefore
   appears exactly once, at the position where native collapse puts it on page-number pages;
3. ask the normal collapsed request restricted (``post_filter``) to the kept stories, so the
   results, copies and facets have the same shape as page one.

The next cursor is the sort of the last kept representative, so no page repeats a story and none
is skipped. A page costs three requests (more when a scan is mostly copies), only in cursor mode.
The page as a whole has one time budget (:func:`page_budget_ms`): each request starts only while
some is left and asks the node for no more than is left; once it is spent the page is refused
with SearchUnavailable (503 + Retry-After), never cut short, so no result is silently lost.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from cariberita.errors import SearchUnavailable
from cariberita.observability import logger
from cariberita.search import query
from cariberita.search.cursor import Position
from cariberita.search.params import SearchParams
from cariberita.search.settings import MAX_TOTAL_BUDGET_MS
from cariberita.search.store import SearchStore

if TYPE_CHECKING:
    from cariberita.rules.compiled import Rules

# Hits scanned per round: the page size (a bigger scan could pass an index's result window);
# rounds at most per page: copies are rare, so one round usually fills it. A page that is still
# short after MAX_ROUNDS ends the paging (no next cursor).
SCAN_FACTOR = 1
MAX_ROUNDS = 20
# A whole cursor page may take this many per-request budgets (9 s at the default 3 s), not one
# per request: 20 rounds of two requests plus the last one, each allowed ``timeout_ms``, would
# outlast the function's 25 s, and Lambda's timeout reaches readers as a 502 with no Retry-After.
# Three lets a page of one round (three requests, each under ``timeout_ms`` or it fails anyway)
# finish however slow its requests (at SEARCH_TIMEOUT_MS up to the template's 5,000); a page
# of copies gets further rounds until it is spent. A normal page is three requests of tens of ms.
PAGE_BUDGET_REQUESTS = 3

Clock = Callable[[], float]


def page_budget_ms(timeout_ms: int) -> int:
    """The time one cursor page may take, in milliseconds.

    A request starts only while some budget is left and may then take up to ``timeout_ms``
    (the client's socket timeout): a page ends within budget + ``timeout_ms``. Capped so that
    stays within MAX_TOTAL_BUDGET_MS, the worst case the settings already allow one search
    (20 s, under the function's 25 s), at any valid ``SEARCH_TIMEOUT_MS``.
    """
    return min(PAGE_BUDGET_REQUESTS * timeout_ms, MAX_TOTAL_BUDGET_MS - timeout_ms)


class _Budget:
    """What is left of one page's time, read from ``clock`` (seconds, monotonic)."""

    def __init__(self, timeout_ms: int, clock: Clock) -> None:
        self._clock = clock
        self._timeout_ms = timeout_ms
        self._budget_ms = page_budget_ms(timeout_ms)
        self._ends = clock() + self._budget_ms / 1000

    def timeout(self) -> str:
        """The next request's server-side ``timeout``: what is left, at most ``timeout_ms``.

        Raises SearchUnavailable once nothing is left: a short page would end the paging (no
        next cursor) and hide every result after it."""
        left_ms = (self._ends - self._clock()) * 1000
        if left_ms <= 0:
            logger.warning("cursor page out of time", extra={"budget_ms": self._budget_ms})
            raise SearchUnavailable("cursor page out of time")
        return f"{min(self._timeout_ms, math.ceil(left_ms))}ms"


def _story(hit: dict[str, Any]) -> str | None:
    stories = (hit.get("fields") or {}).get(query.STORY_FIELD) or [None]
    return stories[0] if isinstance(stories[0], str) else None


def _representatives(
    store: SearchStore, params: SearchParams, scan: dict[str, Any], stories: list[str]
) -> dict[str, str]:
    """story -> the id of its first article in the request's sort (within every filter)."""
    narrow = [scan["post_filter"]] if "post_filter" in scan else []
    body = {
        "size": 0,
        "timeout": scan["timeout"],
        # One must clause and only filters beside it: scores equal the scan's.
        "query": {
            "bool": {
                "must": [scan["query"]],
                "filter": [*narrow, {"terms": {query.STORY_FIELD: stories}}],
            }
        },
        "aggs": {
            "stories": {
                "terms": {"field": query.STORY_FIELD, "size": len(stories)},
                "aggs": {
                    "first": {"top_hits": {"size": 1, "sort": scan["sort"], "_source": False}}
                },
            }
        },
    }
    buckets = store.search(body).get("aggregations", {}).get("stories", {}).get("buckets", [])
    return {
        b["key"]: b["first"]["hits"]["hits"][0]["_id"]
        for b in buckets
        if b["first"]["hits"]["hits"]
    }


def page_after(
    store: SearchStore,
    params: SearchParams,
    timeout_ms: int,
    position: Position,
    rules: Rules | None = None,
    clock: Clock = time.monotonic,
) -> dict[str, Any]:
    """The collapsed response for the page after ``position``, shaped like a native one
    (``hits.total`` counts articles after and including the cursor's query, as on page one).

    Raises SearchUnavailable when the page's time (:func:`page_budget_ms`) runs out."""
    budget = _Budget(timeout_ms, clock)
    scan = query.search_body(params, timeout_ms, position, rules)
    for unused in ("aggs", "highlight", "collapse"):
        scan.pop(unused, None)
    scan.update(size=params.size * SCAN_FACTOR, **query.fetch((query.STORY_FIELD,)))
    kept: list[str] = []
    total: dict[str, Any] | None = None
    after = position.search_after
    for _ in range(MAX_ROUNDS):
        response = store.search({**scan, "search_after": after, "timeout": budget.timeout()})
        total = total or response["hits"]["total"]
        hits = response["hits"]["hits"]
        stories = list(dict.fromkeys(s for s in map(_story, hits) if s and s not in kept))
        firsts = (
            _representatives(store, params, {**scan, "timeout": budget.timeout()}, stories)
            if stories
            else {}
        )
        for hit in hits:
            story = _story(hit)
            if story and story not in kept and firsts.get(story) == hit["_id"]:
                kept.append(story)
                if len(kept) == params.size:
                    break
        if len(kept) == params.size or len(hits) < scan["size"]:
            break
        after = hits[-1]["sort"]
    final = query.search_body(params.model_copy(update={"page": 1}), timeout_ms, rules=rules)
    restrict = {"terms": {query.STORY_FIELD: kept}}
    narrow = final.get("post_filter")
    final["post_filter"] = {"bool": {"filter": [narrow, restrict]}} if narrow else restrict
    final.update(size=max(1, len(kept)), timeout=budget.timeout(), **{"from": 0})
    response = store.search(final)
    if not kept:
        response["hits"]["hits"] = []
    response["hits"]["total"] = total or response["hits"]["total"]
    return response
