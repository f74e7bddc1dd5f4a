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
    # English, or the reader's language (http/messages.py): either way it says what happened.
    assert any(w in body["error"]["message"] for w in ("more than once", "lebih dari sekali"))


def test_a_repeatable_parameter_may_be_given_twice():
    status, _ = call_multi("search-basic", FakeStore(), [("category", "a"), ("category", "b")])
    assert status == 200


def test_suggest_q_given_twice_is_refused():
    status, body = call_multi("search-suggest", FakeStore(), [("q", "ban"), ("q", "gem")])
    assert (status, body["error"]["field"]) == (400, "q")


class SeedStore(FakeStore):
    """A store whose articles can seed /related (an article read from an index names it)."""

    def get(self, doc_id):
        return {**super().get(doc_id), "_index": "articles"}


MARKUP = "<img src=x onerror=alert(1)>"
# (event, extra query, the parameter actually at fault); "related" is /articles/{id}/related.
FAULTS = [
    ("search-basic", [("size", "0")], "size"),
    ("search-suggest", [("q", "a" * 401)], "q"),
    ("search-article", [("size", "0")], "size"),
]


def _with_route(event_name: str) -> dict[str, Any]:
    if event_name != "search-article":
        return {}
    return {
        "path": "/articles/cb-0001/related",
        "resource": "/articles/{article_id}/related",
        "pathParameters": {"article_id": "cb-0001"},
    }


@pytest.mark.parametrize(("event_name", "query", "at_fault"), FAULTS)
def test_a_repeated_unknown_parameter_never_takes_the_blame(event_name, query, at_fault):
    repeated = [(MARKUP, "1"), (MARKUP, "2")]
    status, body = call_multi(event_name, FakeStore(), repeated + query, **_with_route(event_name))
    assert status == 400, body
    assert body["error"]["field"] == at_fault
    assert "<" not in json.dumps(body), "nothing of the request comes back unescaped"


@pytest.mark.parametrize("event_name", ["search-basic", "search-suggest", "search-article"])
def test_a_repeated_unknown_parameter_alone_is_ignored(event_name):
    given = [("q", "banjir")] if event_name == "search-suggest" else []
    repeated = [("utm_source", "a"), ("utm_source", "b")]
    status, body = call_multi(event_name, SeedStore(), given + repeated, **_with_route(event_name))
    assert status == 200, body


def test_an_echoed_parameter_name_is_escaped():
    from cariberita.http.errors import _refused

    response = _refused(f"{MARKUP}: given more than once; send it once", MARKUP)
    assert response.body["error"]["field"] == "&lt;img src=x onerror=alert(1)&gt;"
    assert "<" not in response.body["error"]["message"]


@pytest.mark.parametrize("value", ["1_0", "+5", " 5", "5 ", "05", "5.0", "0x5", "٥"])
def test_related_size_must_be_canonical(value):
    store = CountingStore()
    status, body = _article(store, "cb-0001", related=True, query=[("size", value)])
    assert status == 400, body
    assert body["error"]["field"] == "size"
    assert store.gets == [], "refused before any request to the index"


@pytest.mark.parametrize("value", ["1", "5", "20"])
def test_related_size_in_digits_is_accepted(value):
    store = SeedStore()
    status, body = _article(store, "cb-0001", related=True, query=[("size", value)])
    assert status == 200, body


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


# --- Limits after normalisation -----------------------------------------------------------------

# Code points that NFKC expands: U+FDFA to 18 characters and 4 words, the squares U+3300.. to
# katakana words, U+2474 "(1)" to 3 characters, U+FB2C to 3, U+1D15F musical notes to 2.
EXPANDING = ["\ufdfa", "\u3300", "\u3302", "\u3357", "\u2474", "\u2488", "\ufb2c", "\u33ff"]


@pytest.mark.parametrize("char", EXPANDING)
def test_suggest_holds_its_limits_after_normalisation(char):
    from cariberita.search.params import MAX_SUGGEST_CHARS

    store = FakeStore()
    # Within the raw limit of 100 characters; many times over it once normalised.
    raw = (char + " ") * (MAX_SUGGEST_CHARS // 2)
    status, body = call_multi("search-suggest", store, [("q", raw)])
    assert status == 400 and body["error"]["field"] == "q", body
    assert store.bodies == [], "refused before any request to the index"


def test_suggest_words_are_bounded():
    store = FakeStore()
    status, body = call_multi("search-suggest", store, [("q", " ".join("kata" for _ in range(11)))])
    assert (status, body["error"]["field"]) == (400, "q")
    status, _ = call_multi("search-suggest", store, [("q", " ".join("kata" for _ in range(10)))])
    assert status == 200


@pytest.mark.parametrize("name", ["author", "tag"])
def test_a_keyword_filter_is_bounded_after_normalisation(name):
    store = FakeStore()
    status, body = call_multi("search-basic", store, [(name, "\ufdfa" * 10)])
    assert (status, body["error"]["field"]) == (400, name), body
    assert store.bodies == []


def test_search_q_is_bounded_after_normalisation():
    store = FakeStore()
    status, body = call_multi("search-basic", store, [("q", "\ufdfa" * 12)])
    assert (status, body["error"]["field"]) == (400, "q"), body


# A letter and a combining accent: two code points as sent, one character once normalised.
DECOMPOSED = "e\u0301"


@pytest.mark.parametrize(
    ("event_name", "limit"),
    [("search-basic", "MAX_QUERY_CHARS"), ("search-suggest", "MAX_SUGGEST_CHARS")],
)
def test_q_is_measured_after_normalisation_not_as_sent(event_name, limit):
    from cariberita.search import params

    chars = getattr(params, limit)
    store = FakeStore()
    # Twice the limit as sent, exactly the limit once NFKC composes each pair.
    status, body = call_multi(event_name, store, [("q", DECOMPOSED * chars)])
    assert status == 200, body
    assert store.bodies, "searched"
    status, body = call_multi(event_name, FakeStore(), [("q", DECOMPOSED * (chars + 1))])
    assert (status, body["error"]["field"]) == (400, "q"), body


@pytest.mark.parametrize(
    ("event_name", "raw_limit"),
    [("search-basic", "MAX_RAW_QUERY_CHARS"), ("search-suggest", "MAX_RAW_SUGGEST_CHARS")],
)
def test_q_as_sent_is_still_bounded_before_any_work(event_name, raw_limit):
    from cariberita.search import params

    store = FakeStore()
    # Spaces collapse to one: short once normalised, but past the cost guard as sent.
    raw = "banjir" + " " * getattr(params, raw_limit)
    status, body = call_multi(event_name, store, [("q", raw)])
    assert (status, body["error"]["field"]) == (400, "q"), body
    assert store.bodies == []


# --- Canonical cursors --------------------------------------------------------------------------


def test_only_the_exact_spelling_of_a_cursor_is_accepted():
    from cariberita.errors import InvalidRequest
    from cariberita.search import cursor
    from cariberita.search.params import SearchParams

    secret = "s" * 32
    params = SearchParams.from_query(q="banjir")
    token = cursor.encode(secret, params, [1.0, 2, "a"], 10)
    assert cursor.decode(secret, params, token).seen == 10
    body, _, sig = token.partition(".")
    for variant in (
        token + "!!!",
        token + "==",
        token + "=",
        f"{body}==.{sig}",
        f"{body}!.{sig}",
        f"{body[:4]}\n{body[4:]}.{sig}",
        f"{body}.{sig[:3]}*{sig[3:]}",
    ):
        with pytest.raises(InvalidRequest) as err:
            cursor.decode(secret, params, variant)
        assert err.value.field == "cursor", variant


# --- The id contract on /articles/{id} ----------------------------------------------------------


class CountingStore(FakeStore):
    def __init__(self) -> None:
        super().__init__()
        self.gets: list[str] = []

    def get(self, doc_id):
        from cariberita.errors import NotFound

        self.gets.append(doc_id)
        raise NotFound(doc_id)


def _article(
    store: Any, article_id: str, related: bool = False, query: list[tuple[str, str]] | None = None
) -> tuple[int, dict[str, Any]]:
    suffix = "/related" if related else ""
    return call_multi(
        "search-article",
        store,
        query or [],
        path=f"/articles/{article_id}{suffix}",
        resource=f"/articles/{{article_id}}{suffix}",
        pathParameters={"article_id": article_id},
    )


@pytest.mark.parametrize("related", [False, True])
@pytest.mark.parametrize("article_id", ["-awal", "a b", "a%2Fb", "ä", "x" * 200 + "y"])
def test_a_malformed_id_is_a_400_without_asking_the_index(article_id, related):
    store = CountingStore()
    status, body = _article(store, article_id, related)
    assert status == 400, body
    assert body["error"]["field"] == "article_id"
    assert store.gets == []


@pytest.mark.parametrize("related", [False, True])
def test_a_well_formed_unknown_id_is_a_404(related):
    store = CountingStore()
    status, body = _article(store, "u-0123456789abcdef01234567", related)
    assert status == 404, body
    assert store.gets == ["u-0123456789abcdef01234567"]
