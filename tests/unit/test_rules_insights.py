"""Editors' query insights count a reader's new searches only: the first page of a query with no
filter in the default order. Filters, another order and further pages are the same search."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from cariberita.rules import insights

NOW = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)


def line(query: str, hits: int, **fields: Any) -> str:
    entry = {
        "message": "search",
        "timestamp": "2026-12-03 10:00:00,000+0000",
        "query": query,
        "filters": {},
        "sort": "relevance",
        "page": 1,
        "cursor": False,
        "hits": hits,
        "zero_results": hits == 0,
        **fields,
    }
    return json.dumps(entry)


def lists(*lines: str) -> dict[str, Any]:
    return insights.from_lines(lines, days=7, now=NOW)


def test_a_search_refined_with_facets_sort_and_pages_counts_once():
    session = [
        line("banjir", 27),
        line("banjir", 4, filters={"category": ["news & entertainment"]}),
        line("banjir", 3, filters={"publisher": ["fimela.com"]}),
        line("banjir", 9, filters={"date_from": "2019-09-01", "date_to": "2019-09-30"}),
        line("banjir", 1, filters={"author": "laras pertiwi"}),
        line("banjir", 27, sort="newest"),
        line("banjir", 27, page=2),
        line("banjir", 27, cursor=True),
    ]
    result = lists(*session)
    assert result["searches"] == 1
    assert result["top"] == [{"query": "banjir", "searches": 1, "avg_hits": 27.0}]
    assert result["weak_results"] == []  # the author filter's 1 hit is not a thin result


def test_a_query_empty_only_because_of_a_filter_is_not_a_zero_result():
    result = lists(
        line("banjir", 27),
        line("banjir", 0, filters={"publisher": ["kabarcontoh.id"]}),
        line("kopdar", 0),
    )
    assert result["zero_results"] == [{"query": "kopdar", "searches": 1}]


def test_lines_written_before_filters_and_sort_were_logged_still_count():
    old = json.dumps({"message": "search", "query": "gempa", "page": 1, "hits": 0})
    assert lists(old)["zero_results"] == [{"query": "gempa", "searches": 1}]


def test_the_logs_insights_queries_count_the_same_searches():
    for text in insights.LOGS_INSIGHTS_QUERIES.values():
        condition = text.splitlines()[0]
        assert 'sort = "relevance"' in condition
        for name in insights.FILTERS:
            assert f"not ispresent(filters.{name}" in condition
        assert "not ispresent(filters.category.0)" in condition
        assert "not ispresent(filters.publisher.0)" in condition


def test_every_search_filter_is_one_that_insights_leaves_out():
    # A new filter is one declaration in search/params.py; insights must not count its pages.
    from cariberita.rules import insights
    from cariberita.search.params import Filters

    assert set(insights.FILTERS) == set(Filters.model_fields)
