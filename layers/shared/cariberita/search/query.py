"""The OpenSearch request body for a search: ranking, filters, facets, highlights, sort, paging.

Every filter declared in :class:`~cariberita.search.params.Filters` has its clause in
:data:`CLAUSES`; the body applies the clause of each filter the reader set.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from cariberita.index.mapping import SHARED_STORY, SHOWN
from cariberita.rules import steering
from cariberita.search import facets, highlight, ranking
from cariberita.search.cursor import Position
from cariberita.search.params import RESULT_WINDOW, Filters, SearchParams

if TYPE_CHECKING:
    from cariberita.rules.compiled import Rules

FACETS_TIME_ZONE = facets.TIME_ZONE
# What a hit returns: stored fields only, never ``_source`` (a long body would be parsed whole;
# index/mapping.py, ``SHOWN``). The body is not fetched: snippets come from its ``lead``.
STORED_FIELDS = tuple(SHOWN.values())
COPY_FIELDS = tuple(SHOWN[f] for f in ("id", "publisher", "published_at"))


# No stored field at all: the hit is not read from its stored document (only doc values, such
# as the collapse key, come back; not even ``_id``).
NO_STORED_FIELDS = "_none_"


def fetch(fields: tuple[str, ...] = STORED_FIELDS) -> dict[str, Any]:
    """The fetch part of a request (a hit's ``fields``, no ``_source``)."""
    return {"_source": False, "stored_fields": list(fields)}


# Collapse: the other copies of a story shown with it (their publishers), oldest first.
COPIES_SHOWN = 10
# Stories with copies counted per search; copies are rare (7 copied stories in 21,936 corpus
# articles), so a page's stories are among them unless a query matches thousands of copies.
COPIED_STORIES = 500
STORY_FIELD = "story"
COPIES_AGG = "copied"
_TIEBREAK = [{"id": {"order": "asc"}}]
_SORTS: dict[str, list[dict[str, Any]]] = {
    "relevance": [
        {"_score": {"order": "desc"}},
        {"published_at": {"order": "desc", "missing": "_last"}},
    ],
    "newest": [{"published_at": {"order": "desc", "missing": "_last"}}],
    "oldest": [{"published_at": {"order": "asc", "missing": "_last"}}],
}


@dataclass(frozen=True)
class Clause:
    """How one filter of :class:`~cariberita.search.params.Filters` narrows a search.

    ``post_filter`` clauses narrow the results only, not the facets (see :mod:`facets`).
    """

    build: Callable[[Any], dict[str, Any]]
    post_filter: bool = False


def _day(bound: str) -> Callable[[date], dict[str, Any]]:
    # ``||/d`` rounds to whole WIB days, so date_to includes its whole day.
    def build(day: date) -> dict[str, Any]:
        range_ = {"time_zone": FACETS_TIME_ZONE, "format": "yyyy-MM-dd", bound: f"{day}||/d"}
        return {"range": {"published_at": range_}}

    return build


def _author(author: str) -> dict[str, Any]:
    # The exact (lowercased) name, or every word of it in the analysed subfield.
    return {
        "bool": {
            "should": [
                {"term": {"author": author}},
                {"match": {"author.text": {"query": author, "operator": "and"}}},
            ],
            "minimum_should_match": 1,
        }
    }


CLAUSES: dict[str, Clause] = {
    # Category narrows results only: its facet still counts the other categories.
    "category": Clause(lambda cats: {"terms": {"category": list(cats)}}, post_filter=True),
    "date_from": Clause(_day("gte")),
    "date_to": Clause(_day("lte")),
    "author": Clause(_author),
    "tag": Clause(lambda tag: {"term": {"tags": tag}}),
    # Publisher narrows results only: its facet still counts the other publishers.
    "publisher": Clause(lambda pubs: {"terms": {"publisher": list(pubs)}}, post_filter=True),
}
"""The OpenSearch clause of every filter, by its field name in ``Filters``."""

if set(CLAUSES) != set(Filters.model_fields):  # a declared filter without a clause, or the reverse
    raise RuntimeError(
        f"query.CLAUSES and Filters disagree: {set(CLAUSES) ^ set(Filters.model_fields)}"
    )


def _clauses(params: SearchParams, post: bool) -> list[dict[str, Any]]:
    return [
        CLAUSES[name].build(value)
        for name, value in params.filters.given().items()
        if CLAUSES[name].post_filter is post
    ]


def filters(params: SearchParams) -> list[dict[str, Any]]:
    """The filters that narrow results and facets alike."""
    return _clauses(params, post=False)


def post_clauses(params: SearchParams) -> dict[str, dict[str, Any]]:
    """The post_filter clause of each such filter the reader set, by filter name."""
    return {
        name: CLAUSES[name].build(value)
        for name, value in params.filters.given().items()
        if CLAUSES[name].post_filter
    }


def scope(body: dict[str, Any]) -> list[dict[str, Any]]:
    """Every filter clause of a search ``body`` (from :func:`search_body`, rules applied): what
    narrows its results, facets or not. A did-you-mean spelling is checked within them."""
    clauses = list(body["query"]["bool"].get("filter", []))
    if "post_filter" in body:
        clauses.append(body["post_filter"])
    return clauses


def post_filter(params: SearchParams) -> dict[str, Any] | None:
    """The filters that narrow results but not the facets; None when there are none."""
    post = _clauses(params, post=True)
    if len(post) > 1:
        return {"bool": {"filter": post}}
    return post[0] if post else None


def collapse(params: SearchParams, marks: dict[str, Any]) -> dict[str, Any]:
    """One hit per story: the best by the request's sort (so a group sits where its best copy
    ranks). Only on ``sort=newest`` does ``inner_hits`` fetch the copies, oldest first, because
    the oldest copy (the original) is the one shown there with its fields and highlights.
    Elsewhere copies are counted by :func:`copies_aggregation`: ``inner_hits`` re-run the whole
    query once per story on the page (fuzzy rewriting included), which measured 2.7x the
    uncollapsed search. ``marks`` is the page's highlight block, used for the copies (the
    shown one is a copy)."""
    if params.sort != "newest":
        return {"field": STORY_FIELD}
    copies: dict[str, Any] = {
        "name": "copies",
        "size": COPIES_SHOWN,
        "sort": [{"published_at": {"order": "asc", "missing": "_last"}}, *_TIEBREAK],
        **fetch(COPY_FIELDS),
        **fetch(),
        "highlight": marks,
    }
    return {"field": STORY_FIELD, "inner_hits": copies}


def copies_aggregation(narrow: dict[str, Any] | None) -> dict[str, Any]:
    """Stories with more than one matching copy (after every filter), with their publishers.

    Over ``shared_story``, set on copies only: over ``story`` the aggregation walked every
    distinct story of the archive on every search (at 1M articles a third of its time).
    ``map``: hash the few copies among the matches instead of looking up global ordinals for
    each; on the benchmark's 88 reader queries over the corpus the aggregation's node time fell
    from 0.28 to 0.13 ms p50 (profile), the search's ``took`` by 0.27 ms of 4.9."""
    stories = {
        "terms": {
            "field": SHARED_STORY,
            "min_doc_count": 2,
            "size": COPIED_STORIES,
            "execution_hint": "map",
        },
        "aggs": {"publishers": {"terms": {"field": "publisher", "size": COPIES_SHOWN}}},
    }
    return {"filter": narrow or {"match_all": {}}, "aggs": {"stories": stories}}


def sort(params: SearchParams) -> list[dict[str, Any]]:
    return [*_SORTS[params.sort], *_TIEBREAK]


def search_body(
    params: SearchParams,
    timeout_ms: int,
    position: Position | None = None,
    rules: Rules | None = None,
) -> dict[str, Any]:
    """The full request; ``position`` (from a cursor) replaces page-based ``from``; ``rules``
    (the editors', :mod:`cariberita.rules`) add synonyms, pins, hides and category mapping."""
    read = ranking.read(params.q, rules.synonyms if rules is not None else None)
    scoring: dict[str, Any] = ranking.scoring(read) if params.q else {"match_all": {}}
    if params.q and params.sort == "relevance":
        scoring = ranking.all_concepts_first(read, ranking.with_recency(scoring))
    narrow = post_filter(params)
    marks = highlight.for_query(read, params.size) if params.q else highlight.opening()
    body: dict[str, Any] = {
        "query": {"bool": {"must": [scoring], "filter": filters(params)}},
        "sort": sort(params),
        "size": params.size,
        "track_total_hits": RESULT_WINDOW,  # counted exactly up to here, then "at least"
        "timeout": f"{timeout_ms}ms",
        **fetch(),
        "aggs": facets.aggregations(post_clauses(params)),
        "highlight": marks,
    }
    if narrow:
        body["post_filter"] = narrow
    if params.collapse and position is None:
        # OpenSearch refuses collapse with search_after: cursor pages are collapsed by
        # cariberita.search.collapse instead, which asks for this body without a position.
        body["collapse"] = collapse(params, marks)
        if "inner_hits" in body["collapse"]:
            # The page shows each story's oldest copy, read and highlighted there: the hit's own
            # fields and marks would each be one more read of its stored document, never shown
            # (a page of 50 articles of 490,000 characters: 109 -> 90 ms for the fields alone).
            # Its sort values and story still come back (the cursor, the copies count).
            del body["highlight"]
            body["stored_fields"] = NO_STORED_FIELDS
    if params.collapse:
        # Copies shown with a hit, and the stories count (results.story_count), cursor pages too.
        body["aggs"][COPIES_AGG] = copies_aggregation(narrow)
    if position is not None:
        body["search_after"] = position.search_after
    else:
        body["from"] = params.offset
    if rules is not None:
        steering.steer(body, params.q, params.sort == "relevance", rules)
    return body
