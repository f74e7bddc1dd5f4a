"""What a hostile or huge article cannot do: inject markup, break highlights, skip analytics."""

from __future__ import annotations

import html
import io
import json
import logging
from collections.abc import Iterator

import pytest
from cariberita.articles.document import lead_of

from tests.relevance.api import env, invoke, search
from tests.relevance.corpus import load
from tests.relevance.own_articles import RAW_XSS_DOCUMENT, XSS, XSS_ARTICLE
from tests.support.events import load_event

pytestmark = pytest.mark.filterwarnings("ignore:No application metrics")

LONG_ID = "uji-panjang"
HUGE_ID = "uji-raksasa"


@pytest.fixture(scope="module", autouse=True)
def search_index(os_client, index_alias, settings) -> Iterator[str]:
    # A body longer than any real article, with the only match near its end.
    long_body = ("Paragraf pengisi tanpa kata kunci. " * 2_800) + "Akhirnya gerhana terlihat jelas."
    long_article = {
        "id": LONG_ID,
        "title": "Artikel Sangat Panjang",
        "body": long_body,
        "published_at": "2024-03-01T10:00:00+07:00",
        "category": "Uji",
    }
    load(os_client, index_alias, iter([XSS_ARTICLE, long_article]), "tests")
    os_client.index(
        index=index_alias, id=RAW_XSS_DOCUMENT["id"], body=RAW_XSS_DOCUMENT, refresh=True
    )
    # Past the article contract's limit and the index's highlight.max_analyzed_offset.
    huge = {**long_article, "id": HUGE_ID, "title": "Artikel Raksasa", "category": ["uji"]}
    huge["body"] = ("Paragraf pengisi tanpa kata kunci. " * 36_000) + "Akhirnya supernova terlihat."
    huge["lead"] = lead_of(huge["body"])  # written by hand: the field ingest would add
    os_client.index(index=index_alias, id=HUGE_ID, body=huge, refresh=True)
    with pytest.MonkeyPatch.context() as mp:
        for name, value in env(settings.opensearch_endpoint, index_alias).items():
            mp.setenv(name, value)
        yield index_alias


def strings(value) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from strings(v)


def assert_no_markup(body) -> None:
    for text in strings(body):
        without_marks = text.replace("<mark>", "").replace("</mark>", "")
        assert "<" not in without_marks and ">" not in without_marks, text
        assert "javascript:" not in text.lower()


@pytest.mark.parametrize("q", ["serangan banjir script alert", "banjir"])
def test_search_results_escape_every_field_and_highlight(q):
    reply = search(q=q)
    assert {r["id"] for r in reply.body["results"]} == {"uji-xss", "uji-xss-mentah"}
    assert_no_markup(reply.body)
    for result in reply.body["results"]:
        assert "&lt;script&gt;" in result["title"]
        assert "<mark>" in result["title_html"]
        assert "&lt;script" in result["author"]


def test_unsafe_url_schemes_are_dropped_and_urls_escaped():
    results = {r["id"]: r for r in search(q="banjir").body["results"]}
    assert results["uji-xss-mentah"]["url"] is None
    assert results["uji-xss"]["url"].startswith("https://contoh-berita.id/x?a=&quot;&gt;&lt;script")


def test_payload_in_the_body_is_escaped_in_the_snippet():
    snippet = {r["id"]: r for r in search(q="isi mentah").body["results"]}["uji-xss-mentah"]
    assert "&lt;script&gt;" in snippet["snippet_html"]
    assert "&lt;b&gt;tebal&lt;/b&gt; &amp; tanda" in snippet["snippet_html"]


def test_query_for_the_payload_itself_is_escaped():
    reply = search(q=XSS[:60])
    assert reply.status == 200
    assert_no_markup(reply.body)


@pytest.mark.parametrize("article_id", ["uji-xss", "uji-xss-mentah"])
def test_article_endpoint_escapes_every_field(article_id):
    event = load_event("search-article.json")
    event["path"] = f"/articles/{article_id}"
    event["pathParameters"] = {"article_id": article_id}
    reply = invoke(event)
    assert reply.status == 200
    assert_no_markup(reply.body)
    assert "&amp;" in reply.body["body"]


@pytest.mark.parametrize(
    ("event", "q"), [("search-suggest", "serangan"), ("search-categories", None)]
)
def test_suggestions_and_categories_are_escaped(event, q):
    reply = invoke(event, **({"q": q} if q else {}))
    assert reply.status == 200
    assert_no_markup(reply.body)


def test_facet_values_and_labels_are_escaped():
    facets = search(q="banjir").body["facets"]["categories"]
    assert any("&lt;script" in f["value"] for f in facets)
    assert_no_markup(facets)
    # An escaped value passed back as a filter still selects its articles.
    value = html.escape(XSS.lower(), quote=True)
    assert value in {f["value"] for f in facets}
    assert {r["id"] for r in search(category=[value]).body["results"]} == {"uji-xss-mentah"}


def test_match_at_the_end_of_a_very_long_body_is_found_and_shown_with_the_start():
    # Highlighting reads MAX_HIGHLIGHT_OFFSET characters, so its cost stays bounded.
    reply = search(q="gerhana")
    assert reply.status == 200
    result = reply.body["results"][0]
    assert result["id"] == LONG_ID
    assert result["snippet_html"].startswith("Paragraf pengisi")
    assert len(result["snippet_html"]) < 1_000


@pytest.fixture
def log_lines() -> Iterator[io.StringIO]:
    """The Powertools logger's JSON lines (its own handler keeps the stdout of import time)."""
    from cariberita.observability import logger

    buffer = io.StringIO()
    handler = logging.StreamHandler(buffer)
    handler.setFormatter(logger.registered_formatter)
    logger.addHandler(handler)
    yield buffer
    logger.removeHandler(handler)


def test_match_beyond_the_highlight_limit_is_found_with_the_start_as_snippet():
    reply = search(q="supernova")
    assert reply.status == 200
    assert [r["id"] for r in reply.body["results"]] == [HUGE_ID]
    # Highlighting stops at MAX_ANALYZED_OFFSET characters: the search still answers.
    assert reply.body["results"][0]["snippet_html"].startswith("Paragraf pengisi")


def test_every_search_is_logged_for_analytics(log_lines, capsys):
    search(q="  Gerhana   BULAN ", category=["Uji"])
    search(q="qqqzzzxxx")
    logs = [json.loads(line) for line in log_lines.getvalue().splitlines()]
    logs = [line for line in logs if line.get("message") == "search"]
    assert logs[0]["query"] == "gerhana bulan"
    assert logs[0]["filters"] == {"category": ["uji"]}
    assert logs[1]["zero_results"] is True and logs[1]["hits"] == 0
    assert all(isinstance(line["latency_ms"], float | int) for line in logs)
    printed = [
        json.loads(line) for line in capsys.readouterr().out.splitlines() if '"_aws"' in line
    ]
    names = {
        m["Name"] for e in printed for d in e["_aws"]["CloudWatchMetrics"] for m in d["Metrics"]
    }
    assert {"SearchLatency", "ZeroResults", "Searches"} <= names
