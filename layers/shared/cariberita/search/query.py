"""The OpenSearch request body for a search: ranking, filters, facets, highlights, sort, paging."""

from __future__ import annotations

from typing import Any

from cariberita.search import facets, highlight, ranking
from cariberita.search.cursor import Position
from cariberita.search.params import RESULT_WINDOW, SearchParams

FACETS_TIME_ZONE = facets.TIME_ZONE
# The body is not fetched: the highlighter returns its start when nothing in it matched.
SOURCE_FIELDS = [
    "id",
    "title",
    "url",
    "category_path",
    "category",
    "published_at",
    "author",
    "tags",
    "publisher",
]
_TIEBREAK = [{"id": {"order": "asc"}}]
_SORTS: dict[str, list[dict[str, Any]]] = {
    "relevance": [
        {"_score": {"order": "desc"}},
        {"published_at": {"order": "desc", "missing": "_last"}},
    ],
    "newest": [{"published_at": {"order": "desc", "missing": "_last"}}],
    "oldest": [{"published_at": {"order": "asc", "missing": "_last"}}],
}


def category_filter(params: SearchParams) -> dict[str, Any] | None:
    return {"terms": {"category": list(params.categories)}} if params.categories else None


def filters(params: SearchParams) -> list[dict[str, Any]]:
    """Every filter except category (which is a post_filter, see :mod:`facets`)."""
    out: list[dict[str, Any]] = []
    if params.date_from or params.date_to:
        bounds: dict[str, Any] = {"time_zone": FACETS_TIME_ZONE, "format": "yyyy-MM-dd"}
        # ``||/d`` rounds to whole WIB days, so date_to includes its whole day.
        if params.date_from:
            bounds["gte"] = f"{params.date_from.isoformat()}||/d"
        if params.date_to:
            bounds["lte"] = f"{params.date_to.isoformat()}||/d"
        out.append({"range": {"published_at": bounds}})
    if params.author:
        out.append(
            {
                "bool": {
                    "should": [
                        {"term": {"author": params.author}},
                        {"match": {"author.text": {"query": params.author, "operator": "and"}}},
                    ],
                    "minimum_should_match": 1,
                }
            }
        )
    if params.tag:
        out.append({"term": {"tags": params.tag}})
    return out


def sort(params: SearchParams) -> list[dict[str, Any]]:
    return [*_SORTS[params.sort], *_TIEBREAK]


def search_body(
    params: SearchParams, timeout_ms: int, position: Position | None = None
) -> dict[str, Any]:
    """The full request; ``position`` (from a cursor) replaces page-based ``from``."""
    scoring: dict[str, Any] = ranking.text_query(params.q) if params.q else {"match_all": {}}
    if params.q and params.sort == "relevance":
        scoring = ranking.with_recency(scoring)
    body: dict[str, Any] = {
        "query": {"bool": {"must": [scoring], "filter": filters(params)}},
        "sort": sort(params),
        "size": params.size,
        "track_total_hits": RESULT_WINDOW,  # counted exactly up to here, then "at least"
        "timeout": f"{timeout_ms}ms",
        "_source": SOURCE_FIELDS,
        "aggs": facets.aggregations(category_filter(params)),
        "highlight": highlight.request(),
    }
    cats = category_filter(params)
    if cats:
        body["post_filter"] = cats
    if position is not None:
        body["search_after"] = position.search_after
    else:
        body["from"] = params.offset
    return body
