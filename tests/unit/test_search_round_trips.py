"""One OpenSearch round trip per request, on every route (a recording store counts them).

Did-you-mean rides in the search request (a ``suggest`` section), so even a search that finds
nothing and offers a spelling is one request. The editors' rules are read by their own cache
(at most once per 30 s per container), outside these counts. Two exceptions, tested as such or
named here: /articles/{id}/related (the article, then articles like it) and a collapsed page
after a cursor (collapse.py: OpenSearch refuses collapse with search_after).
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from cariberita.http.search_api import Deps
from cariberita.search.settings import SearchSettings

from tests.support.handlers import LambdaContext, api_gateway_event, load_handler_module

pytestmark = pytest.mark.filterwarnings("ignore:No application metrics")

APP = load_handler_module("search")
SETTINGS = SearchSettings(OPENSEARCH_ENDPOINT="http://127.0.0.1:9", CURSOR_SECRET="s" * 32)


def _hit(n: int) -> dict[str, Any]:
    doc = f"a{n}"
    source = {"id": doc, "title": f"Banjir {n}", "published_at": "2024-03-01T10:00:00+07:00"}
    return {"_id": doc, "_source": source, "sort": [1.0, 1, doc]}


class RecordingStore:
    """Answers like an index with ``found`` matches (a spelling suggestion when asked), and
    records every call it receives."""

    def __init__(self, found: int = 25) -> None:
        self.found = found
        self.calls: list[tuple[str, Any]] = []

    def search(self, body: dict[str, Any]) -> dict[str, Any]:
        self.calls.append(("search", body))
        size = min(int(body.get("size", 10)), self.found)
        response: dict[str, Any] = {
            "took": 2,
            "hits": {
                "total": {"value": self.found, "relation": "eq"},
                "hits": [_hit(n) for n in range(size)],
            },
        }
        if "suggest" in body:
            response["suggest"] = {"spelling": [{"options": [{"text": "banjir"}]}]}
        return response

    def get(self, doc_id: str) -> dict[str, Any]:
        self.calls.append(("get", doc_id))
        source = {"id": doc_id, "title": "Judul", "body": "Isi", "story": "s1"}
        return {"_index": "articles-v1", "_id": doc_id, "_source": source}

    def ping(self) -> int:
        self.calls.append(("ping", None))
        return 21_936


def request(store: RecordingStore, path: str, query: dict[str, Any] | None = None, resource=None):
    event = api_gateway_event(path, query, resource=resource)
    response = APP.handle(event, LambdaContext(), Deps(SETTINGS, store))
    assert response["statusCode"] == 200, response["body"]
    return json.loads(response["body"])


@pytest.mark.parametrize(
    ("path", "query", "resource"),
    [
        ("/search", {"q": "banjir jakarta"}, None),
        ("/search", {"q": "banjir", "category": "nasional", "sort": "newest"}, None),
        ("/search", {"q": ""}, None),
        ("/search", {"q": "banjir", "page": 3}, None),
        ("/search", {"q": "banjir", "collapse": "true"}, None),
        ("/suggest", {"q": "banj"}, None),
        ("/articles/a1", None, "/articles/{article_id}"),
        ("/categories", None, None),
        ("/health", None, None),
    ],
)
def test_each_route_makes_exactly_one_request(path, query, resource):
    store = RecordingStore()
    request(store, path, query, resource)
    assert len(store.calls) == 1, store.calls


def test_a_misspelled_search_gets_its_suggestion_from_the_same_request():
    store = RecordingStore(found=0)
    body = request(store, "/search", {"q": "banjr"})
    assert body["did_you_mean"] == "banjir"
    [(kind, sent)] = store.calls
    assert kind == "search"
    assert sent["suggest"]["text"] == "banjr"


def test_a_search_that_finds_plenty_shows_no_suggestion():
    body = request(RecordingStore(found=25), "/search", {"q": "banjr"})
    assert body["did_you_mean"] is None


def test_the_next_page_by_cursor_is_one_request_too():
    # Uncollapsed. A collapsed cursor page (collapse.py) still costs three or more: OpenSearch
    # refuses collapse with search_after.
    store = RecordingStore()
    query = {"q": "banjir", "collapse": "false"}
    first = request(store, "/search", query)
    store.calls.clear()
    request(store, "/search", {**query, "cursor": first["next_cursor"]})
    assert len(store.calls) == 1
    assert "suggest" not in store.calls[0][1]  # only the first page can offer a spelling


def test_long_queries_carry_no_suggester():
    store = RecordingStore(found=0)
    body = request(store, "/search", {"q": "polres jayapura geledah asrama musa hisage"})
    assert "suggest" not in store.calls[0][1]
    assert body["did_you_mean"] is None


def test_related_articles_need_the_article_first():
    # The one route with two requests: the seed article, then articles like it.
    store = RecordingStore()
    request(store, "/articles/a1/related", None, "/articles/{article_id}/related")
    assert [kind for kind, _ in store.calls] == ["get", "search"]
