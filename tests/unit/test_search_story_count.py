"""``total.stories`` from the copies aggregation: matches less every copy after a story's first."""

from __future__ import annotations

from cariberita.search import query, results


def _aggs(*counts: int, other: int = 0) -> dict:
    buckets = [
        {"key": f"s{n}", "doc_count": c, "publishers": {"buckets": []}}
        for n, c in enumerate(counts)
    ]
    return {query.COPIES_AGG: {"stories": {"buckets": buckets, "sum_other_doc_count": other}}}


def count(total: dict, aggs: dict, limit: int = query.COPIED_STORIES) -> tuple[int, bool]:
    return results.story_count(total, aggs, query.COPIES_AGG, limit)


def test_copies_after_the_first_are_not_stories():
    assert count({"value": 10, "relation": "eq"}, _aggs(3, 2)) == (7, True)


def test_no_aggregation_means_no_copies():
    assert count({"value": 4, "relation": "eq"}, {}) == (4, True)
    assert count({"value": 0, "relation": "eq"}, {}) == (0, True)


def test_an_estimate_when_matches_or_copied_stories_are_not_all_counted():
    assert count({"value": 10_000, "relation": "gte"}, _aggs(2)) == (9_999, False)
    assert count({"value": 10, "relation": "eq"}, _aggs(2, 2), limit=2) == (8, False)
    assert count({"value": 10, "relation": "eq"}, _aggs(2, other=4)) == (9, False)


def test_never_fewer_than_one_story_when_something_matched():
    assert count({"value": 2, "relation": "eq"}, _aggs(5)) == (1, True)
