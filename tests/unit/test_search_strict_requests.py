"""Strict requests and tolerant responses at the HTTP edge, with an in-memory store.

A parameter is sent once (unless repeatable) and numbers are canonical; a response that fails
its own model, or one odd facet bucket, never becomes a 400 that blames the caller.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response
from cariberita.http import errors
from cariberita.http.search_api import Deps
from cariberita.search.schemas import MonthCount

from tests.support.events import load_event
from tests.support.handlers import LambdaContext as FakeLambdaContext
from tests.unit.test_search_handler import APP, SETTINGS, FakeStore

pytestmark = pytest.mark.filterwarnings("ignore:No application metrics")


def call_multi(
    event_name: str, store: Any, query: list[tuple[str, str]], **extra: Any
) -> tuple[int, dict[str, Any]]:
    """The handler's answer to a query given as (name, value) pairs, repeats kept."""
    event = load_event(f"{event_name}.json")
    multi: dict[str, list[str]] = {}
    for name, value in query:
        multi.setdefault(name, []).append(value)
    event["queryStringParameters"] = {k: v[-1] for k, v in multi.items()} or None
    event["multiValueQueryStringParameters"] = multi or None
    event.update(extra)
    response = APP.handle(event, FakeLambdaContext(), Deps(SETTINGS, store))
    return response["statusCode"], json.loads(response["body"])


@pytest.mark.parametrize(
    ("name", "values"),
    [
        ("page", ["1", "2"]),
        ("size", ["5", "5"]),
        ("q", ["banjir", "gempa"]),
        ("sort", ["newest"] * 2),
    ],
)
def test_a_single_valued_parameter_given_twice_is_refused_by_name(name, values):
    status, body = call_multi("search-basic", FakeStore(), [(name, v) for v in values])
    assert status == 400
    assert body["error"]["code"] == "invalid_parameter"
    assert body["error"]["field"] == name
    assert "more than once" in body["error"]["message"]


def test_a_repeatable_parameter_may_be_given_twice():
    status, _ = call_multi("search-basic", FakeStore(), [("category", "a"), ("category", "b")])
    assert status == 200


def test_suggest_q_given_twice_is_refused():
    status, body = call_multi("search-suggest", FakeStore(), [("q", "ban"), ("q", "gem")])
    assert (status, body["error"]["field"]) == (400, "q")


@pytest.mark.parametrize("name", ["page", "size"])
@pytest.mark.parametrize("value", ["1_000", "+1", " 1", "1 ", "01", "1.0", "0x1", "١"])
def test_numbers_must_be_canonical(name, value):
    status, body = call_multi("search-basic", FakeStore(), [(name, value)])
    assert status == 400, body
    assert body["error"]["field"] == name


@pytest.mark.parametrize(("name", "value"), [("page", "3"), ("size", "50"), ("page", "10")])
def test_canonical_numbers_are_accepted(name, value):
    status, _ = call_multi("search-basic", FakeStore(), [(name, value)])
    assert status == 200


class OddMonthStore(FakeStore):
    """Every search also has a month bucket no reader can cause: year 10000 in WIB."""

    def search(self, body):
        response = super().search(body)
        response["aggregations"] = {
            "months": {
                "buckets": [
                    {"key_as_string": "+10000-01", "doc_count": 1},
                    {"key_as_string": "2024-03", "doc_count": 2},
                    {"doc_count": 1},
                ]
            },
            "categories": {"buckets": [{"key": "banjir", "doc_count": "banyak"}]},
        }
        return response


def test_an_odd_facet_bucket_is_dropped_not_fatal():
    status, body = call_multi("search-basic", OddMonthStore(), [])
    assert status == 200, body
    assert body["facets"]["months"] == [{"month": "2024-03", "count": 2}]
    assert body["facets"]["categories"] == []


def test_a_response_that_fails_its_model_is_a_500_not_a_400():
    app = APIGatewayRestResolver(enable_validation=True)
    errors.register(app)

    @app.get("/bulan")
    def month() -> Response[MonthCount]:
        # Powertools validates a plain body on the way out against the route's model, and
        # reports the failure as a *request* validation error naming "month".
        return Response(200, "application/json", {"month": "+10000-01", "count": 1})

    event = load_event("search-health.json")
    event.update(path="/bulan", resource="/bulan")
    response = app.resolve(event, FakeLambdaContext())
    body = json.loads(response["body"])
    assert response["statusCode"] == 500
    assert body["error"] == {
        "code": "internal_error",
        "message": "something went wrong on our side",
        "field": None,
    }
