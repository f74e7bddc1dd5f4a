"""The search API over HTTP semantics: every route, every parameter error, CORS, caching, faults.

The handler runs in-process with the API Gateway events in events/, against real OpenSearch.
"""

from __future__ import annotations

import socket

import pytest

from tests.relevance.api import ORIGIN, invoke, search

# Requests that end before any search emit no metrics; Powertools warns about that.
pytestmark = pytest.mark.filterwarnings("ignore:No application metrics")


@pytest.fixture(scope="module", autouse=True)
def search_index(loaded_search_index: str) -> str:
    return loaded_search_index


def _assert_error(reply, status: int, code: str, field: str | None) -> None:
    assert reply.status == status, reply.body
    assert reply.body == {
        "error": {"code": code, "message": reply.body["error"]["message"], "field": field}
    }
    assert reply.body["error"]["message"]
    assert reply.headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize(
    ("event", "status"),
    [
        ("search-basic", 200),
        ("search-empty-query", 200),
        ("search-filters", 200),
        ("search-author-tag", 200),
        ("search-suggest", 200),
        ("search-categories", 200),
        ("search-health", 200),
        ("search-article", 200),
        ("search-article-unknown", 404),
        ("search-unknown-route", 404),
        ("search-error-size", 400),
        ("search-error-date", 400),
        ("search-error-sort", 400),
        ("search-error-page-too-deep", 400),
        ("search-error-query-too-long", 400),
        ("search-error-cursor", 400),
        ("search-error-date-order", 400),
        ("search-error-suggest-missing-q", 400),
    ],
)
def test_every_sample_event_gets_its_documented_status(event, status):
    reply = invoke(event)
    assert reply.status == status
    assert reply.headers["Content-Type"] == "application/json"


def test_article_by_id_returns_the_whole_article():
    reply = invoke(_article_event("cb-0002"))
    assert reply.status == 200
    assert reply.body["title"].startswith("KPK Tetapkan Kepala Dinas")
    assert "Komisi Pemberantasan Korupsi" in reply.body["body"]
    assert reply.headers["Cache-Control"] == "public, max-age=300"


def _article_event(article_id: str) -> dict:
    from tests.support.events import load_event

    event = load_event("search-article.json")
    event["path"] = f"/articles/{article_id}"
    event["pathParameters"] = {"article_id": article_id}
    return event


def test_unknown_article_is_404_json():
    _assert_error(invoke(_article_event("tidak-ada-artikel-ini")), 404, "not_found", None)


def test_over_long_article_id_is_400():
    _assert_error(invoke(_article_event("x" * 201)), 400, "invalid_parameter", "article_id")


def test_the_author_and_tag_event_finds_the_sample_it_names():
    # events/search-author-tag.json: samples/batch-berita.ndjson has one flood story by this
    # author with this tag, so `sam local invoke -e` shows a real result, not an empty page.
    reply = invoke("search-author-tag")
    assert reply.status == 200, reply.body
    assert [r["id"] for r in reply.body["results"]] == ["cb-0014"]


def test_unknown_route_is_404_json():
    _assert_error(invoke("search-unknown-route"), 404, "no_route", None)


@pytest.mark.parametrize(
    ("params", "code", "field"),
    [
        ({"size": "0"}, "invalid_parameter", "size"),
        ({"size": "51"}, "invalid_parameter", "size"),
        ({"size": "sepuluh"}, "invalid_parameter", "size"),
        ({"page": "0"}, "invalid_parameter", "page"),
        ({"page": "1001"}, "invalid_parameter", "page"),
        ({"page": "201", "size": "50"}, "page_too_deep", "page"),
        ({"sort": "popular"}, "invalid_parameter", "sort"),
        ({"date_from": "2024-13-01"}, "invalid_parameter", "date_from"),
        ({"date_to": "kemarin"}, "invalid_parameter", "date_to"),
        ({"date_to": "0"}, "invalid_parameter", "date_to"),  # not the Unix epoch
        ({"date_from": "1700000000"}, "invalid_parameter", "date_from"),
        ({"date_from": "2024-3-1"}, "invalid_parameter", "date_from"),
        ({"date_from": "2024-03-01T10:00"}, "invalid_parameter", "date_from"),
        ({"date_from": "2024-03-02", "date_to": "2024-03-01"}, "invalid_parameter", "date_from"),
        ({"q": "a" * 201}, "invalid_parameter", "q"),
        ({"q": " ".join(["kata"] * 33)}, "invalid_parameter", "q"),
        ({"category": ["x" * 101]}, "invalid_parameter", "category"),
        ({"category": [f"k{i}" for i in range(11)]}, "invalid_parameter", "category"),
        ({"author": "x" * 101}, "invalid_parameter", "author"),
        ({"tag": "x" * 101}, "invalid_parameter", "tag"),
        ({"cursor": "bukan-kursor"}, "invalid_parameter", "cursor"),
        ({"cursor": "x" * 1001}, "invalid_parameter", "cursor"),
    ],
)
def test_each_invalid_search_parameter_is_a_400_naming_it(params, code, field):
    _assert_error(search(**params), 400, code, field)


@pytest.mark.parametrize(
    ("params", "field"),
    [({"q": None}, "q"), ({"q": ""}, "q"), ({"q": "x" * 101}, "q")],
)
def test_invalid_suggest_parameter_is_a_400(params, field):
    _assert_error(invoke("search-suggest", **params), 400, "invalid_parameter", field)


@pytest.mark.parametrize(
    "q",
    [
        'title:banjir AND body:"x',
        "banjir*",
        "?anjir",
        "/ban.*/",
        "banjir~2",
        "(pemkot OR",
        "\\",
        '"',
        "{{suggestion}}",
        "<script>alert(1)</script>",
        "🌊 banjir",
        "\u0000banjir\u0007",
        "\ue000banjir\ue001",
        " ".join(["kpk"] * 32),
        "kpk dpr pemkot pemkab pemprov tni polri bnn bmkg ojk bi kpu bawaslu pemilu pilkada apbn "
        "apbd bpjs umkm asn pns dprd kejagung pemda",
        "a" * 200,
    ],
)
def test_no_query_text_causes_a_server_error(q):
    reply = search(q=q)
    assert reply.status == 200, reply.body
    for text in [r["title_html"] + r["snippet_html"] for r in reply.body["results"]]:
        assert "<script" not in text


def test_query_syntax_is_searched_as_words_not_operators():
    plain = search(q="banjir rumah").body["total"]["value"]
    assert search(q="banjir AND rumah").body["total"]["value"] <= plain
    assert search(q="banjir*").body["total"] == search(q="banjir").body["total"]


def test_allowed_origin_gets_cors_headers_and_vary():
    reply = invoke("search-basic")
    assert reply.headers["Access-Control-Allow-Origin"] == ORIGIN
    assert reply.headers["Vary"] == "Origin"


def test_other_origin_gets_no_cors_headers():
    from tests.support.events import load_event

    event = load_event("search-basic.json")
    event["headers"]["Origin"] = "https://jahat.example"
    event["multiValueHeaders"]["Origin"] = ["https://jahat.example"]
    reply = invoke(event)
    assert reply.status == 200
    assert "Access-Control-Allow-Origin" not in reply.headers


def test_preflight_is_answered_for_allowed_origin():
    reply = invoke("search-preflight")
    assert reply.status == 204
    assert reply.headers["Access-Control-Allow-Origin"] == ORIGIN
    assert "GET" in reply.headers["Access-Control-Allow-Methods"]


@pytest.mark.parametrize(
    ("event", "cache"),
    [
        ("search-basic", "public, max-age=60"),
        ("search-suggest", "public, max-age=30"),
        ("search-categories", "public, max-age=300"),
        ("search-health", "no-store"),
        ("search-error-size", "no-store"),
    ],
)
def test_cache_control_suits_a_cdn(event, cache):
    assert invoke(event).headers["Cache-Control"] == cache


def test_health_reports_ok_with_document_count(search_index):
    reply = invoke("search-health")
    assert reply.body["status"] == "ok"
    assert reply.body["documents"] > 20


def test_categories_lists_every_level_with_counts_and_labels():
    cats = {c["value"]: c for c in invoke("search-categories").body["categories"]}
    assert cats["hukrim"]["count"] >= 4
    assert cats["berita utama"]["label"] == "Berita Utama"
    assert all(c["count"] > 0 for c in cats.values())


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.parametrize(
    "event",
    ["search-basic", "search-suggest", "search-categories", "search-health", "search-article"],
)
def test_opensearch_down_is_503_with_retry_after(event, monkeypatch):
    monkeypatch.setenv("OPENSEARCH_ENDPOINT", f"http://127.0.0.1:{_closed_port()}")
    monkeypatch.setenv("OPENSEARCH_MAX_RETRIES", "0")
    reply = invoke(event)
    _assert_error(reply, 503, "unavailable", None)
    assert int(reply.headers["Retry-After"]) > 0
    assert "127.0.0.1" not in reply.body["error"]["message"]


def test_missing_index_is_503(monkeypatch):
    monkeypatch.setenv("ARTICLES_INDEX", "tidak-ada-indeks-ini")
    _assert_error(invoke("search-basic"), 503, "unavailable", None)


def test_misconfiguration_is_a_generic_500(monkeypatch):
    monkeypatch.delenv("CURSOR_SECRET")
    reply = invoke("search-basic")
    assert reply.status == 500
    assert reply.body == {
        "error": {
            "code": "internal_error",
            "message": "something went wrong on our side",
            "field": None,
        }
    }
    assert "CURSOR_SECRET" not in str(reply.body)


def test_the_handler_reads_this_modules_own_index(search_index, os_client):
    # The module's index alone: the handler counts exactly its documents, none of another's.
    os_client.indices.refresh(index=search_index)
    expected = os_client.count(index=search_index)["count"]
    reply = invoke("search-health")
    assert reply.status == 200
    assert reply.body["documents"] == expected > 0
