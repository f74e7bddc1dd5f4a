"""A deploy over a live archive built before stored fields, ``lead`` and ``story``.

The live index is created with the mapping and analysis of before (tests/fixtures/
index-before-stored-fields.json, the output of ``index_body()`` at commit b5de633) and filled
the way that ingest wrote articles (no ``lead``, no ``story``). Readers go through the real
search handler at every step: before the bootstrap, after it, and after the reindex.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from cariberita.articles import Article, to_document
from cariberita.articles.document import DERIVED_FIELDS, derived
from cariberita.index import manager, reindex, reindex_check
from cariberita.index.mapping import INDEX_VERSION

from tests.relevance.api import invoke, search
from tests.support.events import load_event
from tests.support.handlers import load_handler_module
from tests.support.live_archive import assert_deploy_leaves_it_open, bootstrap, live_archive
from tests.support.names import unique_name

pytestmark = pytest.mark.filterwarnings("ignore:No application metrics")

BEFORE = Path(__file__).parents[1] / "fixtures" / "index-before-stored-fields.json"
# Fields the ingest of before did not write.
NEW_FIELDS = ("lead", "story", "image_url", "editor", "image_caption")
PUBLISHERS = ["kompas.com", "tempo.co", "okezone.com"]
STORIES = 12  # every third story is carried by two publishers
ARTICLES = STORIES + STORIES // 3


def _records() -> Iterator[dict[str, Any]]:
    for n in range(STORIES):
        title = f"Warga desa Sukamaju ke-{n} membangun jembatan gantung"
        body = (
            f"Warga desa Sukamaju nomor {n} bergotong royong membangun jembatan gantung. "
            "Jembatan itu menghubungkan dua dusun yang terpisah sungai. " * 4
        )
        for c in range(2 if n % 3 == 0 else 1):
            yield {
                "id": f"uji-jembatan-{n}-{c}",
                "title": title,
                "body": body,
                "category": "BERITA UTAMA / PERISTIWA",
                "published_at": f"2024-06-{1 + n:02d}T0{c}:00:00+07:00",
                "publisher": PUBLISHERS[(n + c) % len(PUBLISHERS)],
                "author": "Sari Dewi",
            }


def _document(record: dict[str, Any], old: bool) -> dict[str, Any]:
    doc = to_document(Article.model_validate(record), "bucket/uploads/jembatan.ndjson")
    return {k: v for k, v in doc.items() if k not in NEW_FIELDS} if old else doc


def _write(os_client, index: str, doc: dict[str, Any], version: int) -> None:
    """As ingest writes: the alias, external versions, newer wins."""
    os_client.index(
        index=index,
        id=doc["id"],
        body=doc,
        version=version,
        version_type="external_gte",
        refresh=True,
    )


@pytest.fixture
def archive(os_client, settings, monkeypatch) -> Iterator[str]:
    """A live archive as before today: ``<alias>-v1`` with the old definition and documents,
    the search function's environment pointing at it (a new container per test)."""
    alias = unique_name("t-deploy")
    before = json.loads(BEFORE.read_text(encoding="utf-8"))

    def fill(target: str) -> None:
        for record in _records():
            _write(os_client, target, _document(record, old=True), version=1)

    with live_archive(
        os_client, settings.opensearch_endpoint, monkeypatch, f"{alias}-v1", alias, before, fill
    ):
        yield alias


def _shows_every_article(reply) -> None:
    assert reply.status == 200, reply.body
    results = reply.body["results"]
    assert len(results) == ARTICLES  # none folded into another
    assert len({r["id"] for r in results}) == ARTICLES
    for result in results:
        assert result["title"].startswith("Warga desa Sukamaju"), result
        assert result["publisher"] in PUBLISHERS and result["published_at"], result
        assert result["categories"] and result["author"] == "Sari Dewi", result
        assert "jembatan" in result["snippet_html"].lower(), result
        assert result["copies"] == 1


@pytest.mark.parametrize("deployed", [False, True], ids=["before-bootstrap", "after-bootstrap"])
def test_search_on_the_old_index_shows_every_article_with_its_fields(os_client, archive, deployed):
    if deployed:  # the bootstrap added lead, story... in place; old documents have none
        bootstrap(os_client, archive)
    reply = search(q="jembatan gantung", size=50)
    _shows_every_article(reply)
    assert "<mark>" in " ".join(r["snippet_html"] for r in reply.body["results"])
    again = search(size=50)  # the container now knows: one request, same results
    _shows_every_article(again)
    assert again.body["total"]["stories"] is None
    assert again.body["next_cursor"] is None


def test_related_articles_and_suggestions_work_on_the_old_index(os_client, archive):
    bootstrap(os_client, archive)
    event = load_event("search-related.json")
    event["path"] = "/articles/uji-jembatan-1-0/related"
    event["pathParameters"] = {"article_id": "uji-jembatan-1-0"}
    related = invoke(event)
    assert related.status == 200, related.body
    assert len(related.body["results"]) > 1
    assert all(r["title"] for r in related.body["results"])
    suggestions = invoke("search-suggest", q="jembatan gan")
    assert suggestions.status == 200, suggestions.body
    titled = [s["title"] for s in suggestions.body["suggestions"]]
    assert titled and all(t.startswith("Warga desa Sukamaju") for t in titled)


def test_the_deploy_reports_reindex_needed_adds_new_fields_and_never_closes(os_client, archive):
    live = f"{archive}-v1"
    assert_deploy_leaves_it_open(os_client, archive, live)
    mapped = os_client.indices.get_mapping(index=live)[live]["mappings"]["properties"]
    assert set(NEW_FIELDS) <= set(mapped)
    # Meanwhile ingest writes today's documents (strict mapping): accepted.
    newer = _document(next(_records()), old=False)
    _write(os_client, archive, newer, version=2)
    assert os_client.get(index=live, id=newer["id"])["_source"]["story"] == newer["story"]
    difference = manager.mapping_difference(os_client, live)
    assert not difference.missing and "title" in difference.changed
    assert bootstrap(os_client, archive)["Action"] == "reindex_needed"  # until the reindex


def test_the_reindex_fills_derived_fields_keeps_every_article_and_newer_wins(os_client, archive):
    bootstrap(os_client, archive)
    updated = next(r for r in _records() if r["id"] == "uji-jembatan-2-0")
    updated = {**updated, "title": "Jembatan gantung desa Sukamaju diresmikan bupati"}
    wrote = threading.Event()

    def during(message: str) -> None:
        # An upload of a newer version while the copy runs (written the way ingest does now).
        if message.startswith("copying") and not wrote.is_set():
            wrote.set()
            _write(os_client, archive, _document(updated, old=False), version=7)

    result = reindex.reindex(os_client, archive, progress=during)
    old, new = f"{archive}-v1", f"{archive}-v{INDEX_VERSION}"  # numbered as shipped
    assert wrote.is_set() and result["to"] == new
    assert manager.aliased_indices(os_client, archive) == (new,)
    assert result["derived_filled"] >= ARTICLES - 1

    # Nothing lost: the same ids and versions, every document with its derived fields.
    difference = reindex_check.compare(os_client, old, new, derived=True)
    assert difference.clean, difference.summary()
    assert difference.target_documents == ARTICLES
    docs = {
        hit["_id"]: hit
        for hit in os_client.search(index=new, body={"size": 100, "version": True})["hits"]["hits"]
    }
    for hit in docs.values():
        source = hit["_source"]
        assert {f: source.get(f) for f in DERIVED_FIELDS} == derived(
            source["title"], source["body"]
        )
    # Newer wins: the update made during the copy, with its own derived fields.
    assert docs["uji-jembatan-2-0"]["_version"] == 7
    assert docs["uji-jembatan-2-0"]["_source"]["title"] == updated["title"]
    assert manager.ensure_index(os_client, archive) == "unchanged"


def test_after_the_reindex_search_collapses_stories_again(os_client, archive):
    bootstrap(os_client, archive)
    assert len(search(q="jembatan gantung", size=50).body["results"]) == ARTICLES  # legacy
    reindex.reindex(os_client, archive)

    first = search(q="jembatan gantung", size=50)  # the same container: the verdict ends
    second = search(q="jembatan gantung", size=50)
    load_handler_module("search").container_app.cache_clear()
    fresh = search(q="jembatan gantung", size=50)  # a new container
    for reply in (second, fresh):
        assert reply.status == 200, reply.body
        results = reply.body["results"]
        assert len(results) == STORIES  # one per story
        assert reply.body["total"]["stories"] == STORIES
        assert sorted(r["copies"] for r in results) == [1] * (STORIES - 4) + [2] * 4
        assert all(r["title"] and r["snippet_html"] for r in results)
    assert first.status == 200 and len(first.body["results"]) in (ARTICLES, STORIES)


def test_a_fill_never_overwrites_a_newer_copy(os_client, archive):
    """The fill writes with the version it read: a newer one written meanwhile wins."""
    bootstrap(os_client, archive)
    live = f"{archive}-v1"
    stale = os_client.get(index=live, id="uji-jembatan-1-0")
    newer = _document(next(r for r in _records() if r["id"] == "uji-jembatan-1-0"), old=False)
    newer["title"] = "Versi terbaru"
    _write(os_client, archive, newer, version=3)
    # What fill_derived would send for the copy it had read before the newer write:
    with pytest.raises(Exception, match="version_conflict"):
        os_client.index(
            index=live,
            id="uji-jembatan-1-0",
            body={**stale["_source"], **derived("x", "y")},
            version=stale["_version"],
            version_type="external_gte",
        )
    assert reindex_check.fill_derived(os_client, live) == ARTICLES - 1  # every other old document
    got = os_client.get(index=live, id="uji-jembatan-1-0")
    assert got["_version"] == 3 and got["_source"]["title"] == "Versi terbaru"
    assert reindex_check.underived_ids(os_client, live) == ()
