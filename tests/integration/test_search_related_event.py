"""events/search-related.json (GET /articles/{id}/related, the "Baca Juga" widget's request)
through the real search handler on the local node."""

from __future__ import annotations

import copy

import pytest

from tests.relevance.api import ORIGIN, invoke
from tests.support.events import load_event

pytestmark = pytest.mark.filterwarnings("ignore:No application metrics")


@pytest.fixture(scope="module", autouse=True)
def search_index(loaded_search_index: str) -> str:
    return loaded_search_index


def related_event(article_id: str, language: str | None = None) -> dict:
    event = copy.deepcopy(load_event("search-related.json"))
    event["path"] = f"/articles/{article_id}/related"
    event["pathParameters"] = {"article_id": article_id}
    if language is not None:
        event["headers"]["Accept-Language"] = language
        event["multiValueHeaders"]["Accept-Language"] = [language]
    return event


def test_the_sample_event_lists_related_articles_for_the_widget():
    reply = invoke("search-related")
    assert reply.status == 200, reply.body
    assert reply.body["id"] == "cb-0001"
    results = reply.body["results"]
    assert 1 <= len(results) <= 3  # size=3 in the event
    assert "cb-0001" not in {r["id"] for r in results}
    for result in results:  # what the widget shows
        assert result["title"]
        assert result["url"] is None or result["url"].startswith(("https://", "http://"))
        assert "publisher" in result and "published_at" in result and "image_url" in result
    assert reply.headers["Cache-Control"] == "public, max-age=300"
    assert reply.headers["Access-Control-Allow-Origin"] == ORIGIN


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("id-ID,id;q=0.9,en;q=0.8", "Tidak ada berita dengan id ini."),
        ("en-GB,en;q=0.9", "no article with this id"),
    ],
)
def test_an_unknown_article_is_a_404_in_the_readers_language(language, message):
    reply = invoke(related_event("tidak-ada-artikel-ini", language))
    assert reply.status == 404
    assert reply.body["error"] == {"code": "not_found", "message": message, "field": None}
    assert reply.headers["Cache-Control"] == "no-store"
