"""The search use cases: plain arguments in, response models (:mod:`schemas`) out, a SearchStore
behind them."""

from __future__ import annotations

import time
from typing import Any

from cariberita.articles.ids import is_valid_id
from cariberita.errors import InvalidRequest
from cariberita.rules import steering
from cariberita.rules.compiled import NO_RULES, Rules
from cariberita.search import (
    analytics,
    collapse,
    cursor,
    facets,
    highlight,
    legacy,
    query,
    related,
    results,
    suggest,
)
from cariberita.search.params import SearchParams, suggest_text
from cariberita.search.schemas import (
    Article,
    CategoriesResponse,
    Facets,
    HealthResponse,
    RelatedResponse,
    SearchResponse,
    SuggestResponse,
    Total,
)
from cariberita.search.store import SearchStore


def search(
    store: SearchStore,
    params: SearchParams,
    secret: str,
    timeout_ms: int,
    rules: Rules = NO_RULES,
) -> SearchResponse:
    """Ranked, filtered, faceted results; raises InvalidRequest for a bad cursor."""
    started = time.perf_counter()
    position = cursor.decode(secret, params, params.cursor) if params.cursor else None
    first_page = position is None and params.page == 1
    spelling = None
    response = None
    if params.collapse and position is not None and not legacy.is_legacy(store):
        response = collapse.page_after(store, params, timeout_ms, position, rules)
    if response is None or legacy.is_legacy(store):  # an index without stories: no collapse
        body = query.search_body(params, timeout_ms, position, rules)
        # Did-you-mean rides in the same request (suggest.py): one round trip per search.
        if params.q and first_page:
            spelling = suggest.spelling_section(params.q, query.scope(body))
        if spelling:
            body["suggest"] = spelling
        response = store.search(body)
    hits = response["hits"]["hits"]
    total = response["hits"]["total"]
    aggs = response.get("aggregations", {})
    collapsed = params.collapse and not legacy.is_legacy(store)
    stories, counted = (
        results.story_count(total, aggs, query.COPIES_AGG, query.COPIED_STORIES)
        if collapsed
        else (None, False)
    )
    seen = (position.seen if position else params.offset) + len(hits)
    if stories is not None and counted:  # collapsed: pages count stories, not articles
        more = len(hits) == params.size and seen < stories
    else:
        more = len(hits) == params.size and (seen < total["value"] or total["relation"] != "eq")
    next_cursor = cursor.encode(secret, params, hits[-1]["sort"], seen) if more and hits else None
    did_you_mean = None
    if spelling and total["value"] < suggest.FEW_HITS:
        did_you_mean = suggest.top_spelling(response, params.q)
    original = collapsed and params.sort == "newest"
    copied = results.copied_stories(aggs, query.COPIES_AGG)
    latency_ms = (time.perf_counter() - started) * 1000
    analytics.record_search(params, total["value"], latency_ms, did_you_mean)
    return SearchResponse(
        total=Total(value=total["value"], exact=total["relation"] == "eq", stories=stories),
        took_ms=response.get("took", 0),
        page=params.page,
        size=params.size,
        results=[results.search_result(h, show_original=original, copied=copied) for h in hits],
        facets=_with_site_categories(facets.shape(aggs), aggs, rules),
        next_cursor=next_cursor,
        # Index terms cannot hold markup, but every string we return is escaped all the same.
        did_you_mean=highlight.escape(did_you_mean) if did_you_mean else None,
    )


def suggestions(
    store: SearchStore, q: str, timeout_ms: int, rules: Rules = NO_RULES
) -> SuggestResponse:
    started = time.perf_counter()
    text = suggest_text(q)
    items = (
        suggest.shape_suggestions(
            store.search(steering.suggestions(suggest.suggest_body(text, timeout_ms), text, rules))
        )
        if text
        else []
    )
    analytics.record_suggest(len(items), (time.perf_counter() - started) * 1000)
    return SuggestResponse(suggestions=items)


def _checked_id(doc_id: str) -> str:
    # A malformed id is the caller's error (400), found without asking the index.
    if not is_valid_id(doc_id):
        raise InvalidRequest("article_id is not a valid article id", "article_id")
    return doc_id


def article(store: SearchStore, doc_id: str) -> Article:
    """One article; raises InvalidRequest for a malformed id, NotFound for an unknown one."""
    return results.article(store.get(_checked_id(doc_id)))


def related_articles(
    store: SearchStore, doc_id: str, size: int, timeout_ms: int
) -> RelatedResponse:
    """Articles like ``doc_id`` (never it or a copy of it); raises NotFound for an unknown id."""
    seed = store.get(_checked_id(doc_id))
    response = store.search(related.body(seed, size, timeout_ms))
    return RelatedResponse(
        id=highlight.escape(seed["_id"]),
        results=[results.summary(h) for h in response["hits"]["hits"]],
    )


def categories(store: SearchStore, rules: Rules = NO_RULES) -> CategoriesResponse:
    response = store.search(steering.category_counts(facets.all_categories_request(), rules))
    merged = steering.merge_facets(
        facets.shape_all(response), response.get("aggregations", {}), rules
    )
    return CategoriesResponse(categories=merged)


def _with_site_categories(shaped: Facets, aggs: dict[str, Any], rules: Rules) -> Facets:
    """The editors' category mapping folded into the category facet (no-op without one)."""
    if not rules.site_sources:
        return shaped
    merged = steering.merge_facets(shaped.categories, aggs, rules)
    return shaped.model_copy(update={"categories": merged})


def health(store: SearchStore) -> HealthResponse:
    """Raises SearchUnavailable when the index cannot be read."""
    return HealthResponse(status="ok", documents=store.ping())
