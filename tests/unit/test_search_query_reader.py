"""/search validates its query with one model (QueryReader) instead of Powertools' per-parameter
pass: every request must get the answer Powertools' validation of the same signature gives."""

from __future__ import annotations

import json
from typing import Any

import pytest
from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response
from cariberita.http import errors, query_parameters
from cariberita.search.params import SearchParams

from tests.support.events import load_event
from tests.support.handlers import LambdaContext

pytestmark = pytest.mark.filterwarnings("ignore:No application metrics")


def _app() -> APIGatewayRestResolver:
    """/powertools validated by Powertools, /reader by QueryReader; both echo the values."""
    app = APIGatewayRestResolver(enable_validation=True)
    errors.register(app, repeatable=query_parameters.repeatable(SearchParams))
    reader = query_parameters.QueryReader(SearchParams)
    signature = query_parameters.signature(SearchParams, Response[Any])

    def by_powertools(**query: Any) -> Response[Any]:
        return Response(200, "application/json", {"got": repr(sorted(query.items()))})

    def by_reader(**documented: Any) -> Response[Any]:
        query = reader.read(app.current_event)
        return Response(200, "application/json", {"got": repr(sorted(query.items()))})

    for path, route, validated in (
        ("/powertools", by_powertools, True),
        ("/reader", by_reader, False),
    ):
        route.__signature__ = signature  # type: ignore[attr-defined]
        app.get(path, enable_validation=validated)(route)
    return app


APP = _app()

QUERIES: list[list[tuple[str, str]]] = [
    [],
    [("q", "banjir jakarta"), ("page", "2"), ("size", "20"), ("sort", "newest")],
    [("q", "a,b")],
    [("q", "")],
    [("page", "0")],
    [("page", "abc")],
    [("page", "")],
    [("page", "1"), ("page", "2")],
    [("size", "51")],
    [("size", "+1")],
    [("size", "01")],
    [("sort", "terbaru")],
    [("category", "a"), ("category", "b")],
    [("category", "a")] * 11,
    [("category", "x" * 101)],
    [("category", "a,b")],
    [("publisher", "kompas.com"), ("publisher", "detik.com")],
    [("author", "a" * 101)],
    [("tag", "x"), ("tag", "y")],
    [("date_from", "2024-13-01")],
    [("date_from", "0")],
    [("date_from", "2024-03-02"), ("date_to", "2024-03-01")],
    [("collapse", "maybe")],
    [("collapse", "false")],
    [("q", "x" * 201)],
    [("cursor", "c" * 1001)],
    [("unknown", "1")],
]


def _call(path: str, query: list[tuple[str, str]], multi_values: bool) -> tuple[int, Any]:
    event = load_event("search-basic.json")
    multi: dict[str, list[str]] = {}
    for name, value in query:
        multi.setdefault(name, []).append(value)
    event.update(path=path, resource=path)
    if multi_values:
        event["queryStringParameters"] = {k: v[-1] for k, v in multi.items()} or None
        event["multiValueQueryStringParameters"] = multi or None
    else:  # a single-valued event (no multiValueQueryStringParameters)
        event["queryStringParameters"] = dict(query) or None
        event["multiValueQueryStringParameters"] = None
    response = APP.resolve(event, LambdaContext())
    return response["statusCode"], json.loads(response["body"])


@pytest.mark.parametrize("multi_values", [True, False])
@pytest.mark.parametrize("query", QUERIES, ids=lambda q: "&".join(f"{k}={v[:8]}" for k, v in q))
def test_the_reader_answers_every_query_as_powertools_validation_does(query, multi_values):
    assert _call("/reader", query, multi_values) == _call("/powertools", query, multi_values)
