"""Every request has a bounded cost: the worst input within the contract costs at most
``MAX_RATIO`` times a typical one, per route, on the real node.

The index holds articles with bodies 1,000 characters short of the contract's bound
(``MAX_BODY_CHARS``, 100,000) next to ordinary ones (tests/support/long_articles.py, shared with
the hostile load case). Each request goes through the real search handler in-process; a figure
is the median of ``RUNS`` timings (after one warm-up), so a loaded machine moves both sides
alike. The ratios are written to test-artifacts/request-cost.json for docs/reliability.md.

Two bounds: every route is held strictly to ``GUARD_RATIO``, so a return of the unbounded costs
of the past fails the suite; ``MAX_RATIO`` is the target, which routes still at or over it
(``OPEN``) are measured against without failing it.
"""

from __future__ import annotations

import json
import statistics
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from cariberita.search.params import MAX_SIZE

from tests.relevance.api import Reply, env, invoke, search
from tests.support.events import load_event
from tests.support.long_articles import (
    LONG_WORDS_SEARCH,
    TWO_EDIT_SUGGEST,
    TYPICAL_SEARCH,
    TYPICAL_SUGGEST,
    WORST_LISTING,
    WORST_SEARCH,
    WORST_SUGGEST,
    WORST_TYPO_SEARCH,
    index_long_articles,
)

pytestmark = pytest.mark.filterwarnings("ignore:No application metrics")

MAX_RATIO = 5.0  # the target: docs/reliability.md, "Bounded cost per request"
# What no route may ever cost, asserted strictly on every route: the 490,000-character bodies of
# 2026-12-02 made the worst page 4.6-10.6x and the typo page 7.3-15.4x a typical request. The
# target above is the bound a route is held to once it meets it; a route still open (OPEN) is
# measured against it without failing the suite, and against this guard like every other.
GUARD_RATIO = 12.0
# Below this a typical request's time is mostly noise of the machine: ratios are taken to it.
FLOOR_MS = 10.0
RUNS = 7
ARTIFACT = Path(__file__).resolve().parents[2] / "test-artifacts" / "request-cost.json"
FIGURES: dict[str, dict[str, float]] = {}


@pytest.fixture(scope="module", autouse=True)
def search_index(os_client, index_alias, settings) -> Iterator[str]:
    index_long_articles(os_client, index_alias)
    with pytest.MonkeyPatch.context() as mp:
        for name, value in env(settings.opensearch_endpoint, index_alias).items():
            mp.setenv(name, value)
        # The deployed budget: one attempt per request (a timeout is not retried).
        mp.setenv("SEARCH_TIMEOUT_MS", "5000")
        yield index_alias
    if FIGURES:
        ARTIFACT.parent.mkdir(parents=True, exist_ok=True)
        ARTIFACT.write_text(json.dumps(FIGURES, indent=2, sort_keys=True) + "\n")


def _article(article_id: str) -> Reply:
    event = load_event("search-article.json")
    event["path"] = f"/articles/{article_id}"
    event["pathParameters"] = {"article_id": article_id}
    return invoke(event)


def _timed_ms(request: Callable[[], Reply]) -> float:
    started = time.perf_counter()
    reply = request()
    elapsed = (time.perf_counter() - started) * 1000
    assert reply.status == 200, reply.body
    return elapsed


def _medians_ms(*requests: Callable[[], Reply]) -> list[float]:
    """Median time of each request, measured in turns (so load on the machine hits all alike)."""
    for request in requests:
        _timed_ms(request)  # warm-up, and the check that it is a real answer
    timings: list[list[float]] = [[] for _ in requests]
    for _ in range(RUNS):
        for request, times in zip(requests, timings, strict=True):
            times.append(_timed_ms(request))
    return [statistics.median(times) for times in timings]


ROUTES: dict[str, tuple[Callable[[], Reply], Callable[[], Reply]]] = {
    "/search size=50": (lambda: search(**TYPICAL_SEARCH), lambda: search(**WORST_SEARCH)),
    "/search size=50 typos": (
        lambda: search(**TYPICAL_SEARCH),
        lambda: search(**WORST_TYPO_SEARCH),
    ),
    "/search long words": (lambda: search(**TYPICAL_SEARCH), lambda: search(**LONG_WORDS_SEARCH)),
    "/search empty q": (lambda: search(), lambda: search(**WORST_LISTING)),
    "/suggest": (
        lambda: invoke("search-suggest", **TYPICAL_SUGGEST),
        lambda: invoke("search-suggest", q=WORST_SUGGEST),
    ),
    "/suggest two edits": (
        lambda: invoke("search-suggest", **TYPICAL_SUGGEST),
        lambda: invoke("search-suggest", q=TWO_EDIT_SUGGEST),
    ),
    "/articles/{id}": (lambda: _article("biasa-1"), lambda: _article("panjang-1")),
    "/categories": (lambda: invoke("search-categories"), lambda: invoke("search-categories")),
}


def test_the_worst_search_really_is_a_page_of_the_longest_articles():
    reply = search(**WORST_SEARCH)
    assert reply.status == 200, reply.body
    assert len(reply.body["results"]) == MAX_SIZE
    assert all(r["id"].startswith("panjang-") for r in reply.body["results"])
    assert all("<mark>" in r["snippet_html"] for r in reply.body["results"])


def test_a_match_beyond_the_highlight_bound_is_found_and_shown_with_the_start():
    reply = search(q="dermaga", size=MAX_SIZE)
    assert reply.status == 200, reply.body
    assert {r["id"] for r in reply.body["results"]} == {f"panjang-{n}" for n in range(MAX_SIZE)}
    snippet = reply.body["results"][0]["snippet_html"]
    assert snippet.startswith("Banjir rob kembali") and "<mark>" not in snippet


# Not under MAX_RATIO in every run yet (docs/reliability.md, "Bounded cost per request"). Ratios
# on the shared 2-core box, 99,000-character bodies (the contract's bound went from 500,000 to
# 100,000 on 2026-12-04): each of a page's 50 long hits is read three times (its fields, its title
# and its lead highlights), each read decompressing the whole stored document, whatever the query.
# Not strict: on a quiet machine each holds in some runs and passes the bound in others.
OPEN = {
    "/search size=50": "4.3-4.4x with the fast vector highlighter (3.5-5.02x plain, over 5 in "
    "CI, 2026-12-05): fifty long hits, each stored document read three times (fields, title "
    "and lead highlights)",
    "/search size=50 typos": "7.4-7.6x with the fast vector highlighter (8.2-9.3x plain, "
    "2026-12-05): two-edit fuzzy automata of four long words, then two highlighted fields per "
    "long hit",
    "/search empty q": "4.6-6.9x on 2026-12-05 (both sides cheaper since the unified no-query "
    "snippet): the newest 50 long articles, one inner_hits search per story",
}


def _figures(route: str) -> dict[str, float]:
    """The route's typical and worst medians and their ratio, measured once per module run."""
    if route not in FIGURES:
        typical, worst = ROUTES[route]
        typical_ms, worst_ms = _medians_ms(typical, worst)
        FIGURES[route] = {
            "typical_ms": round(typical_ms, 1),
            "worst_ms": round(worst_ms, 1),
            "ratio": round(worst_ms / max(typical_ms, FLOOR_MS), 2),
        }
        print(f"{route}: typical {typical_ms:.0f} ms, worst {worst_ms:.0f} ms")
    return FIGURES[route]


@pytest.mark.parametrize("route", list(ROUTES))
def test_no_valid_request_costs_more_than_the_guard(route):
    figures = _figures(route)
    assert figures["ratio"] <= GUARD_RATIO, figures


@pytest.mark.parametrize(
    "route",
    [
        pytest.param(r, marks=pytest.mark.xfail(strict=False, reason=OPEN[r])) if r in OPEN else r
        for r in ROUTES
    ],
)
def test_the_worst_valid_request_costs_at_most_max_ratio_times_a_typical_one(route):
    figures = _figures(route)
    assert figures["ratio"] <= MAX_RATIO, figures
