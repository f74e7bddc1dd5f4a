"""A collapsed page after a cursor has one time budget: spent, it is a 503, never a short page.

The page is built in rounds of two requests (collapse.py); a scan made only of copies keeps
nothing, so without a budget the page runs all MAX_ROUNDS rounds, each request allowed the full
per-request timeout, and a slow cluster outlasts the function (a 502 from API Gateway). A fake
clock advances by a fixed step at each request the fake index answers.
"""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
from cariberita.errors import SearchUnavailable
from cariberita.http.search_api import Deps
from cariberita.search import collapse, cursor, query
from cariberita.search.cursor import Position
from cariberita.search.params import SearchParams
from cariberita.search.settings import MAX_TOTAL_BUDGET_MS, SearchSettings

from tests.support.handlers import LambdaContext, api_gateway_event, load_handler_module

pytestmark = pytest.mark.filterwarnings("ignore:No application metrics")

# Imported at collection, before sockets are switched off (see test_search_handler.py).
APP = load_handler_module("search")
TIMEOUT_MS = 3_000
PARAMS = SearchParams.from_query(q="banjir", size=10)
AFTER = Position(search_after=[1.0, 1, "a0"], seen=10)


class FakeClock:
    """Seconds that move only when ``advance`` is called."""

    def __init__(self) -> None:
        self.now = 1_000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


class StoryIndex:
    """Answers the three kinds of request of a cursor page and records each body.

    ``copies_only``: every scan is a full page of copies (each story's first article lies
    elsewhere), so no round keeps anything; otherwise each hit is its story's first. Each
    request takes ``step_s`` of ``clock``'s time (or really sleeps, with ``sleep``).
    """

    def __init__(
        self,
        clock: FakeClock | None = None,
        step_s: float = 0.0,
        copies_only: bool = False,
        sleep: bool = False,
    ) -> None:
        self.clock = clock
        self.step_s = step_s
        self.copies_only = copies_only
        self.sleep = sleep
        self.bodies: list[dict[str, Any]] = []
        self._next = 0

    def _takes_time(self) -> None:
        if self.sleep:
            time.sleep(self.step_s)
        elif self.clock is not None:
            self.clock.advance(self.step_s)

    def search(self, body: dict[str, Any]) -> dict[str, Any]:
        self.bodies.append(body)
        self._takes_time()
        if "search_after" in body:
            return self._scan(body["size"])
        if "stories" in body.get("aggs", {}):
            return self._representatives(body)
        return self._final(body)

    def _scan(self, size: int) -> dict[str, Any]:
        hits = []
        for _ in range(size):
            self._next += 1
            n = self._next
            hits.append({"_id": f"a{n}", "fields": {"story": [f"s{n}"]}, "sort": [1.0, 1, n]})
        return {"hits": {"total": {"value": 10_000, "relation": "gte"}, "hits": hits}}

    def _representatives(self, body: dict[str, Any]) -> dict[str, Any]:
        stories = body["query"]["bool"]["filter"][-1]["terms"]["story"]
        first = "elsewhere-{}" if self.copies_only else "a{}"
        buckets = [
            {"key": s, "first": {"hits": {"hits": [{"_id": first.format(s[1:])}]}}} for s in stories
        ]
        return {"hits": {"hits": []}, "aggregations": {"stories": {"buckets": buckets}}}

    def _final(self, body: dict[str, Any]) -> dict[str, Any]:
        kept = body["post_filter"]["terms"]["story"]
        hits = [{"_id": f"a{s[1:]}", "fields": {"story": [s]}, "sort": [1.0, 1, s]} for s in kept]
        return {"took": 5, "hits": {"total": {"value": len(hits), "relation": "eq"}, "hits": hits}}

    def get(self, doc_id: str) -> dict[str, Any]:
        raise AssertionError("a search never reads one article")

    def ping(self) -> int:
        return 1


def page(index: StoryIndex, clock: FakeClock) -> dict[str, Any]:
    return collapse.page_after(index, PARAMS, TIMEOUT_MS, AFTER, clock=clock)


def test_a_page_of_copies_on_a_slow_cluster_is_refused_once_its_budget_is_spent():
    clock = FakeClock()
    index = StoryIndex(clock, step_s=1.0, copies_only=True)
    started = clock()

    with pytest.raises(SearchUnavailable):
        page(index, clock)

    budget_s = collapse.page_budget_ms(TIMEOUT_MS) / 1000
    assert len(index.bodies) == budget_s  # one request a second until the budget is spent
    assert len(index.bodies) < 2 * collapse.MAX_ROUNDS + 1  # the rounds did not all run
    assert clock() - started <= budget_s + TIMEOUT_MS / 1000


def test_the_deadline_never_ends_the_paging_with_a_short_page():
    # Refused before the last request: no page without its stories and without a next cursor.
    clock = FakeClock()
    index = StoryIndex(clock, step_s=1.0, copies_only=True)
    with pytest.raises(SearchUnavailable):
        page(index, clock)
    assert all("search_after" in b or "stories" in b.get("aggs", {}) for b in index.bodies)


def test_late_requests_ask_the_node_for_no_more_than_the_time_left():
    clock = FakeClock()
    index = StoryIndex(clock, step_s=2.5, copies_only=True)
    with pytest.raises(SearchUnavailable):
        page(index, clock)
    # Sent at 0, 2.5, 5 and 7.5 s of a 9 s budget; at 10 s nothing is left.
    assert [b["timeout"] for b in index.bodies] == ["3000ms", "3000ms", "3000ms", "1500ms"]


def test_without_a_budget_the_copies_would_run_every_round():
    # The control: on a clock that never moves, the same index takes all the rounds.
    clock = FakeClock()
    index = StoryIndex(clock, copies_only=True)
    response = page(index, clock)
    assert len(index.bodies) == 2 * collapse.MAX_ROUNDS + 1
    assert response["hits"]["hits"] == []


def test_a_normal_page_on_a_slowish_cluster_is_unchanged():
    # Three requests of a second each fit the budget and keep the full per-request timeout.
    clock = FakeClock()
    index = StoryIndex(clock, step_s=1.0)
    response = page(index, clock)

    assert len(index.bodies) == 3
    assert {b["timeout"] for b in index.bodies} == {f"{TIMEOUT_MS}ms"}
    assert [h["_id"] for h in response["hits"]["hits"]] == [f"a{n}" for n in range(1, 11)]
    assert response["hits"]["total"] == {"value": 10_000, "relation": "gte"}


def test_a_normal_page_sends_what_it_sent_before_the_budget():
    clock = FakeClock()
    index = StoryIndex(clock)
    page(index, clock)
    scan = query.search_body(PARAMS, TIMEOUT_MS, AFTER)
    assert index.bodies[0]["timeout"] == scan["timeout"]
    final = query.search_body(PARAMS, TIMEOUT_MS)
    assert index.bodies[-1]["timeout"] == final["timeout"]


@pytest.mark.parametrize("timeout_ms", [100, 1_000, 3_000, 5_000, 10_000])
def test_a_page_ends_within_the_budget_the_settings_allow_one_search(timeout_ms):
    # The last request starts before the budget is spent and may take a full timeout.
    budget = collapse.page_budget_ms(timeout_ms)
    assert budget + timeout_ms <= MAX_TOTAL_BUDGET_MS
    assert budget >= timeout_ms  # the first request always gets its whole timeout


@pytest.mark.parametrize("timeout_ms", [100, 3_000, 5_000])
def test_a_page_of_one_round_always_fits_at_the_template_timeouts(timeout_ms):
    # Scan and representatives, each within its timeout, leave time for the last request.
    assert collapse.page_budget_ms(timeout_ms) >= 3 * timeout_ms


def test_the_search_route_answers_503_with_retry_after_when_the_page_runs_out_of_time():
    # End to end on the real clock: 100 ms per request allows a 300 ms page; a page of copies
    # at 20 ms a request would take 41 requests (820 ms) and end with nothing shown.
    settings = SearchSettings(
        OPENSEARCH_ENDPOINT="http://127.0.0.1:9", CURSOR_SECRET="s" * 32, SEARCH_TIMEOUT_MS=100
    )
    token = cursor.encode("s" * 32, SearchParams.from_query(q="banjir"), [1.0, 1, "a0"], 10)
    index = StoryIndex(step_s=0.02, copies_only=True, sleep=True)
    event = api_gateway_event("/search", {"q": "banjir", "cursor": token})

    response = APP.handle(event, LambdaContext(), Deps(settings, index))

    assert response["statusCode"] == 503, response["body"]
    headers = {k: v[-1] for k, v in response["multiValueHeaders"].items()}
    assert int(headers["Retry-After"]) > 0
    assert json.loads(response["body"])["error"]["code"] == "unavailable"
    assert len(index.bodies) < 2 * collapse.MAX_ROUNDS + 1
