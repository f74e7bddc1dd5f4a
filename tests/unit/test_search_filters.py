"""A filter declared once reaches every use: query, cursor, did-you-mean, analytics.

The test declares a single-valued ``publisher`` filter the way a new filter is added (a field on
``Filters``, its clause in ``query.CLAUSES``; it stands in for the real, repeatable one) and
follows it through the code that must not forget it.
"""

from __future__ import annotations

from typing import Any, get_args

import pytest
from cariberita.errors import InvalidRequest
from cariberita.http import query_parameters
from cariberita.search import analytics, cursor, query, service
from cariberita.search.params import MAX_FILTER_CHARS, Filters, Keyword, SearchParams

SECRET = "geheim-0123456789abcdef"  # secrets-scan: allow (test-only key)
CLAUSE = {"term": {"publisher": "kompas.com"}}


class PublisherFilters(Filters):
    publisher: Keyword = None


class PublisherParams(SearchParams):
    filters: PublisherFilters = PublisherFilters()


@pytest.fixture(autouse=True)
def publisher_clause(monkeypatch):
    clause = query.Clause(lambda publisher: {"term": {"publisher": publisher}})
    monkeypatch.setitem(query.CLAUSES, "publisher", clause)


def params(**extra: Any) -> PublisherParams:
    return PublisherParams.from_query(q="banjr", publisher="Kompas.com", **extra)


class MisspelledStore:
    """No hits for the query as typed, and one spelling suggestion in the same response."""

    def __init__(self) -> None:
        self.bodies: list[dict[str, Any]] = []

    def search(self, body: dict[str, Any]) -> dict[str, Any]:
        self.bodies.append(body)
        response: dict[str, Any] = {
            "took": 1,
            "hits": {"total": {"value": 0, "relation": "eq"}, "hits": []},
        }
        if "suggest" in body:
            response["suggest"] = {"spelling": [{"options": [{"text": "banjir"}]}]}
        return response

    def get(self, doc_id: str) -> dict[str, Any]:
        raise AssertionError("not used")

    def ping(self) -> int:
        raise AssertionError("not used")


def test_the_filter_is_normalised_like_its_type():
    assert params().filters.publisher == "kompas.com"


def test_the_filter_is_a_query_parameter_of_the_route():
    derived = {p.name: p for p in query_parameters.parameters(PublisherParams)}
    assert set(derived) == {*query_parameters_of_today(), "publisher"}
    assert derived["publisher"].default is None
    bounds = get_args(derived["publisher"].annotation)[1].metadata
    assert [getattr(b, "max_length", None) for b in bounds] == [MAX_FILTER_CHARS]


def query_parameters_of_today() -> set[str]:
    return {p.name for p in query_parameters.parameters(SearchParams)}


def test_the_filter_reaches_the_query_body():
    assert CLAUSE in query.search_body(params(), 1000)["query"]["bool"]["filter"]


def test_the_filter_is_part_of_the_cursor_fingerprint():
    token = cursor.encode(SECRET, params(), [1], 10)
    other = PublisherParams.from_query(q="banjr", publisher="detik.com")
    with pytest.raises(InvalidRequest) as err:
        cursor.decode(SECRET, other, token)
    assert err.value.code == "cursor_mismatch"


def test_did_you_mean_comes_with_the_filtered_search_in_one_request():
    store = MisspelledStore()
    response = service.search(store, params(), SECRET, 1000)
    assert response.did_you_mean == "banjir"
    [body] = store.bodies
    assert CLAUSE in body["query"]["bool"]["filter"]
    assert body["suggest"]["text"] == "banjr"


def test_the_filter_is_in_the_analytics_line(caplog):
    with caplog.at_level("INFO"):
        service.search(MisspelledStore(), params(), SECRET, 1000)
    logged = [r for r in caplog.records if r.getMessage() == "search"]
    assert [getattr(r, "filters", None) for r in logged] == [{"publisher": "kompas.com"}]
    assert analytics.search_event(params(), 0, 1.0, None)["filters"] == {"publisher": "kompas.com"}


def test_every_declared_filter_has_a_clause():
    assert set(query.CLAUSES) == set(Filters.model_fields)
