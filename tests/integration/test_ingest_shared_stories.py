"""``shared_story`` on the real node: the ingest writer sets it on every copy of a copied story
(the new one and those already indexed), never on a lone story, never republishes a retracted
article; ``mark_all`` finds the copies a raw load or an older index left unmarked; search counts
copies and stories from it."""

from __future__ import annotations

from typing import Any

import pytest
from cariberita import admin
from cariberita.articles import Article, to_document
from cariberita.articles.dates import version_millis
from cariberita.index import manager, shared_stories
from cariberita.index.manager import concrete_name
from cariberita.index.mapping import index_body
from cariberita.ingest.opensearch_writer import OpenSearchIndexWriter
from cariberita.ingest.writer import DeleteArticle, IndexArticle

from tests.relevance.api import env, search
from tests.support.names import unique_name

BODY = (
    "Warga kampung Kenari membersihkan saluran air bersama menjelang musim hujan. "
    "Ketua RT meminta setiap rumah mengirim satu orang untuk kerja bakti. " * 3
)


def _write(os_client, alias: str, *articles: dict[str, Any]) -> list[str]:
    ops = []
    for record in articles:
        article = Article.model_validate(record)
        ops.append(
            IndexArticle(
                article.id,
                version_millis(article.published_at),
                to_document(article, "bucket/uji.ndjson"),
            )
        )
    outcomes = list(OpenSearchIndexWriter(os_client, alias).write(ops))
    os_client.indices.refresh(index=alias)
    return [o.result for o in outcomes]


def _record(id_: str, title: str, publisher: str, day: int = 1) -> dict[str, Any]:
    return {
        "id": id_,
        "title": title,
        "body": BODY,
        "publisher": publisher,
        "published_at": f"2024-06-{day:02d}T08:00:00+07:00",
    }


def _flags(os_client, alias: str) -> dict[str, str | None]:
    os_client.indices.refresh(index=alias)
    hits = os_client.search(index=alias, body={"size": 100, "query": {"match_all": {}}})
    return {h["_id"]: h["_source"].get(shared_stories.FIELD) for h in hits["hits"]["hits"]}


@pytest.fixture
def alias(fresh_index_alias: str) -> str:
    return fresh_index_alias


@pytest.fixture
def unique_alias() -> str:
    return unique_name("t-shared-deploy")


def test_a_second_copy_marks_itself_and_the_first(os_client, alias):
    _write(os_client, alias, _record("uji-a", "Kerja bakti di Kenari", "kompas.com"))
    assert _flags(os_client, alias) == {"uji-a": None}
    _write(os_client, alias, _record("uji-b", "Kerja bakti di Kenari", "tempo.co", day=2))
    flags = _flags(os_client, alias)
    assert flags["uji-a"] == flags["uji-b"] is not None


def test_copies_in_one_chunk_mark_each_other_and_a_lone_story_stays_unmarked(os_client, alias):
    _write(
        os_client,
        alias,
        _record("uji-a", "Kerja bakti di Kenari", "kompas.com"),
        _record("uji-b", "Kerja bakti di Kenari", "tempo.co"),
        _record("uji-c", "Lomba layang-layang di pantai", "tempo.co"),
    )
    # The same article again (a re-upload) is not a copy of itself.
    _write(os_client, alias, _record("uji-c", "Lomba layang-layang di pantai", "tempo.co"))
    flags = _flags(os_client, alias)
    assert flags["uji-a"] == flags["uji-b"] is not None
    assert flags["uji-c"] is None


def test_marking_the_first_copy_keeps_its_version_and_never_republishes_a_retraction(
    os_client, alias
):
    _write(os_client, alias, _record("uji-a", "Kerja bakti di Kenari", "kompas.com"))
    _write(os_client, alias, _record("uji-x", "Kerja bakti di Kenari", "detik.com"))
    writer = OpenSearchIndexWriter(os_client, alias)
    assert [o.result for o in writer.write([DeleteArticle("uji-x")])] == ["deleted"]
    os_client.indices.refresh(index=alias)
    before = os_client.get(index=alias, id="uji-a")["_version"]
    _write(os_client, alias, _record("uji-b", "Kerja bakti di Kenari", "tempo.co", day=2))
    assert set(_flags(os_client, alias)) == {"uji-a", "uji-b"}
    assert os_client.get(index=alias, id="uji-a")["_version"] == before
    # An equal version still rewrites (a redelivered message), a newer one still wins.
    assert _write(os_client, alias, _record("uji-a", "Kerja bakti di Kenari", "kompas.com")) == [
        "updated"
    ]


def test_mark_all_finds_copies_a_raw_load_left_unmarked(os_client, alias):
    for id_, publisher in (("uji-a", "kompas.com"), ("uji-b", "tempo.co"), ("uji-c", "x.id")):
        title = "Lomba layang-layang di pantai" if id_ == "uji-c" else "Kerja bakti di Kenari"
        doc = to_document(Article.model_validate(_record(id_, title, publisher)), "b/k")
        os_client.index(index=alias, id=id_, body=doc)
    assert shared_stories.mark_all(os_client, alias) == 2
    flags = _flags(os_client, alias)
    assert flags["uji-a"] == flags["uji-b"] is not None and flags["uji-c"] is None
    assert shared_stories.mark_all(os_client, alias) == 0  # idempotent


def test_search_counts_copies_and_stories_from_the_marks(os_client, alias, settings, monkeypatch):
    _write(os_client, alias, _record("uji-a", "Kerja bakti di Kenari", "kompas.com"))
    _write(os_client, alias, _record("uji-b", "Kerja bakti di Kenari", "tempo.co", day=2))
    _write(os_client, alias, _record("uji-c", "Kerja bakti di Kenari", "detik.com", day=3))
    _write(os_client, alias, _record("uji-d", "Kerja bakti warga Kenari lagi", "x.id"))
    for name, value in env(settings.opensearch_endpoint, alias).items():
        monkeypatch.setenv(name, value)
    for sort in ("relevance", "newest"):
        reply = search(q="kerja bakti kenari", sort=sort)
        assert reply.status == 200, reply.body
        assert reply.body["total"] == {"value": 4, "exact": True, "stories": 2}
        copies = {r["copies"] for r in reply.body["results"]}
        assert copies == {3, 1}


def test_after_a_deploy_adds_the_field_the_admin_command_marks_the_copies(
    os_client, unique_alias, capsys
):
    """An index of this version made before the field existed: the deploy adds the field in
    place (no reindex; it may not write articles) and ``stories mark`` marks the copies."""
    body = index_body()
    del body["mappings"]["properties"][shared_stories.FIELD]
    name = concrete_name(unique_alias)
    os_client.indices.create(index=name, body={**body, "aliases": {unique_alias: {}}})
    try:
        for id_, publisher in (("uji-a", "kompas.com"), ("uji-b", "tempo.co")):
            record = _record(id_, "Kerja bakti di Kenari", publisher)
            doc = to_document(Article.model_validate(record), "b/k")
            os_client.index(index=unique_alias, id=id_, body=doc, refresh=True)
        assert manager.ensure_index(os_client, unique_alias) == "updated"
        assert set(_flags(os_client, unique_alias).values()) == {None}
        assert admin.main(["stories", "mark", "--alias", unique_alias]) == 0
        assert '"marked": 2' in capsys.readouterr().out
        flags = _flags(os_client, unique_alias)
        assert flags["uji-a"] == flags["uji-b"] is not None
        assert manager.ensure_index(os_client, unique_alias) == "unchanged"
    finally:
        os_client.indices.delete(index=name, ignore_unavailable=True)
