"""One result per story, publishers and authors, the category tree, pictures, related articles
and error messages in the reader's language, on the real node with our own generated articles."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

import pytest

from tests.relevance.api import env, invoke, search
from tests.relevance.corpus import load
from tests.support.events import load_event

pytestmark = pytest.mark.filterwarnings("ignore:No application metrics")

PUBLISHERS = ["kompas.com", "tempo.co", "okezone.com"]
PLACES = ["Cempaka", "Melati", "Kenanga", "Anggrek", "Dahlia", "Mawar", "Teratai", "Kamboja"]
STORIES = 24  # every third story has copies at two or three publishers


def _story_records() -> Iterator[dict[str, Any]]:
    for n in range(STORIES):
        place = PLACES[n % len(PLACES)]
        title = f"Lomba perahu hias warga desa {place} ke-{n}"
        body = (
            f"Warga desa {place} menggelar lomba perahu hias nomor {n} di sungai desa. "
            "Panitia menyiapkan hadiah bagi perahu terindah dan peserta termuda. " * 3
        )
        copies = (2 if n % 2 else 3) if n % 3 == 0 else 1
        for c in range(copies):
            publisher = PUBLISHERS[(n + c) % len(PUBLISHERS)]
            yield {
                "id": f"uji-cerita-{n}-{c}",
                "title": title,
                "body": body,
                "category": "BERITA UTAMA / HUKRIM" if n % 2 else "BERITA UTAMA / PERISTIWA",
                "published_at": f"2024-05-{1 + n:02d}T0{c}:00:00+07:00",
                "publisher": publisher.upper() if c == 1 else publisher,
                "author": "Sari Dewi" if n % 4 == 0 else "Budi Santoso",
                "image": f"https://cdn.example.id/perahu/{n}-{c}.jpg"
                if c == 0
                else "http://x.id/a",
            }


@pytest.fixture(scope="module", autouse=True)
def stories_index(os_client, index_alias, settings) -> Iterator[str]:
    load(os_client, index_alias, _story_records(), "tests/integration/test_search_stories.py")
    with pytest.MonkeyPatch.context() as mp:
        for name, value in env(settings.opensearch_endpoint, index_alias).items():
            mp.setenv(name, value)
        yield index_alias


def ok(**params: Any) -> dict[str, Any]:
    reply = search(q="lomba perahu hias", size=50, **params)
    assert reply.status == 200, reply.body
    return reply.body


def story_of(result_id: str) -> str:
    return result_id.rsplit("-", 1)[0]


def test_each_story_appears_once_with_its_copies():
    body = ok()
    stories = [story_of(r["id"]) for r in body["results"]]
    assert len(stories) == len(set(stories)) == STORIES
    assert body["total"]["value"] == sum(1 for _ in _story_records())
    assert body["total"]["stories"] == STORIES
    copied = {story_of(r["id"]): r for r in body["results"] if r["copies"] > 1}
    assert set(copied) == {f"uji-cerita-{n}" for n in range(0, STORIES, 3)}
    three = copied["uji-cerita-0"]
    assert three["copies"] == 3
    assert three["publisher"] not in three["other_publishers"]
    assert len(three["other_publishers"]) == 2


def test_collapse_false_shows_every_copy():
    body = ok(collapse="false")
    assert len(body["results"]) == body["total"]["value"] > STORIES
    assert body["total"]["stories"] is None
    assert all(r["copies"] == 1 and r["other_publishers"] == [] for r in body["results"])


def test_newest_first_shows_the_original_copy_of_a_story():
    body = ok(sort="newest")
    shown = {story_of(r["id"]): r["id"] for r in body["results"]}
    assert shown["uji-cerita-0"] == "uji-cerita-0-0"  # published at 00:00, its copies later
    dates = [r["published_at"][:10] for r in body["results"]]
    assert dates == sorted(dates, reverse=True)


@pytest.mark.parametrize("sort", ["relevance", "newest", "oldest"])
def test_cursor_pages_never_repeat_a_story_and_miss_none(sort):
    first = search(q="lomba perahu hias", size=5, sort=sort)
    assert first.status == 200, first.body
    seen = [story_of(r["id"]) for r in first.body["results"]]
    cursor = first.body["next_cursor"]
    while cursor:
        page = search(q="lomba perahu hias", size=5, sort=sort, cursor=cursor)
        assert page.status == 200, page.body
        seen += [story_of(r["id"]) for r in page.body["results"]]
        cursor = page.body["next_cursor"]
    assert len(seen) == len(set(seen)) == STORIES
    by_pages = [story_of(r["id"]) for r in ok(sort=sort)["results"]]
    assert seen == by_pages  # cursor pages follow the same order as page numbers


def test_cursor_pages_keep_the_copies_of_each_story():
    first = search(q="lomba perahu hias", size=4, sort="oldest")
    second = search(q="lomba perahu hias", size=4, sort="oldest", cursor=first.body["next_cursor"])
    assert second.status == 200, second.body
    copied = [r for r in second.body["results"] if r["id"].startswith("uji-cerita-6-")]
    assert copied and copied[0]["copies"] == 3


@pytest.mark.parametrize("publisher", [["tempo.co"], ["TEMPO.CO"], [" Tempo.co "]])
def test_publisher_filter_is_case_insensitive(publisher):
    results = ok(publisher=publisher, collapse="false")["results"]
    assert results and {r["publisher"] for r in results} == {"tempo.co"}


def test_repeated_publishers_mean_any_of_them_and_the_facet_ignores_its_own_filter():
    both = ok(publisher=["tempo.co", "okezone.com"], collapse="false")
    assert {r["publisher"] for r in both["results"]} == {"tempo.co", "okezone.com"}
    facet = {f["value"]: f["count"] for f in both["facets"]["publishers"]}
    unfiltered = {f["value"]: f["count"] for f in ok(collapse="false")["facets"]["publishers"]}
    assert facet == unfiltered and set(facet) == set(PUBLISHERS)


def test_the_category_facet_respects_the_publisher_filter():
    only = ok(publisher=["tempo.co"], collapse="false")
    categories = {f["value"]: f["count"] for f in only["facets"]["categories"]}
    assert categories["berita utama"] == only["total"]["value"]


def test_authors_facet_counts_articles_per_author():
    authors = {f["value"]: f for f in ok(collapse="false")["facets"]["authors"]}
    records = list(_story_records())
    assert authors["sari dewi"]["count"] == sum(r["author"] == "Sari Dewi" for r in records)
    assert authors["sari dewi"]["label"] == "Sari Dewi"


def test_the_category_tree_nests_levels_with_counts():
    tree = ok(collapse="false")["facets"]["category_tree"]
    (top,) = tree
    assert (top["value"], top["label"]) == ("berita utama", "Berita Utama")
    children = {c["value"]: c["count"] for c in top["children"]}
    assert set(children) == {"hukrim", "peristiwa"}
    assert sum(children.values()) == top["count"] == sum(1 for _ in _story_records())


def test_a_filter_on_a_parent_includes_its_children_and_the_tree_ignores_it():
    body = ok(category=["berita utama"], collapse="false")
    assert len(body["results"]) == body["total"]["value"] == sum(1 for _ in _story_records())
    narrowed = ok(category=["hukrim"], collapse="false")
    assert narrowed["facets"]["category_tree"] == body["facets"]["category_tree"]


def test_results_carry_only_https_pictures():
    results = ok(collapse="false")["results"]
    pictures = {r["id"]: r["image_url"] for r in results}
    assert pictures["uji-cerita-1-0"] == "https://cdn.example.id/perahu/1-0.jpg"
    assert pictures["uji-cerita-0-1"] is None  # given as http: dropped at ingest


def _article_event(path: str, **headers: str) -> dict[str, Any]:
    event = copy.deepcopy(load_event("search-article-unknown.json"))
    event["headers"] = {**(event.get("headers") or {}), **headers}
    return event


def test_related_articles_never_include_the_article_or_its_copies():
    event = _article_event("")
    event.update(
        resource="/articles/{article_id}/related",
        path="/articles/uji-cerita-0-0/related",
        pathParameters={"article_id": "uji-cerita-0-0"},
    )
    event["requestContext"]["resourcePath"] = "/articles/{article_id}/related"
    reply = invoke(event, size=10)
    assert reply.status == 200, reply.body
    assert reply.headers["Cache-Control"] == "public, max-age=300"
    ids = [r["id"] for r in reply.body["results"]]
    assert len(ids) == 10
    assert not any(i.startswith("uji-cerita-0-") for i in ids)
    stories = [story_of(i) for i in ids]
    assert len(stories) == len(set(stories))  # other stories collapsed too


def test_related_for_an_unknown_article_is_404_in_indonesian():
    event = _article_event("")
    event.update(
        resource="/articles/{article_id}/related",
        path="/articles/tidak-ada/related",
        pathParameters={"article_id": "tidak-ada"},
    )
    event["requestContext"]["resourcePath"] = "/articles/{article_id}/related"
    reply = invoke(event)
    assert reply.status == 404
    assert reply.body["error"]["code"] == "not_found"
    assert reply.body["error"]["message"] == "Tidak ada berita dengan id ini."


@pytest.mark.parametrize(
    ("language", "message"),
    [
        (None, "Tidak ada berita dengan id ini."),
        ("id-ID,id;q=0.9", "Tidak ada berita dengan id ini."),
        ("en", "no article with this id"),
        ("en-GB,en;q=0.9,id;q=0.5", "no article with this id"),
        ("id;q=0.9,en;q=0.4", "Tidak ada berita dengan id ini."),
    ],
)
def test_404_messages_speak_the_readers_language(language, message):
    event = _article_event("", **({"Accept-Language": language} if language else {}))
    reply = invoke(event)
    assert reply.status == 404
    assert reply.body["error"] == {"code": "not_found", "message": message, "field": None}


@pytest.mark.parametrize(
    ("params", "field", "indonesian"),
    [
        ({"date_from": "2024-05-02", "date_to": "2024-05-01"}, "date_from", "date_from jatuh"),
        ({"publisher": ["x" * 101]}, "publisher", None),
        ({"size": "0"}, "size", None),
    ],
)
def test_400_messages_are_indonesian_by_default_and_english_on_request(params, field, indonesian):
    reply = search(**params)
    assert reply.status == 400
    assert reply.body["error"]["field"] == field
    message = reply.body["error"]["message"]
    assert indonesian is None or message.startswith(indonesian)
    event = copy.deepcopy(load_event("search-empty-query.json"))
    event["headers"] = {**(event.get("headers") or {}), "Accept-Language": "en"}
    english = invoke(event, **params)
    assert english.status == 400
    assert english.body["error"]["code"] == reply.body["error"]["code"]
    assert english.body["error"]["message"] != message
    assert field in english.body["error"]["message"]
