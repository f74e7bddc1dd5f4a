"""A deploy over a live archive built before term vectors (index version 2).

The live index has today's definition without the term vectors of ``title`` and ``lead``
(index/mapping.py, version 3), which is what version 2 created, and today's documents. Such an
index refuses the fast vector highlighter; readers go through the real search handler before
the bootstrap, after it, and after the reindex, and must see the same marked results at every
step, with nothing lost by the reindex.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

import pytest
from cariberita.articles import Article, to_document
from cariberita.index import manager, reindex, reindex_check
from cariberita.index.mapping import index_body

from tests.relevance.api import search
from tests.support.handlers import load_handler_module
from tests.support.live_archive import assert_deploy_leaves_it_open, bootstrap, live_archive
from tests.support.names import unique_name

pytestmark = pytest.mark.filterwarnings("ignore:No application metrics")

HIGHLIGHTED = ("title", "lead")
ARTICLES = 9


def _before_term_vectors() -> dict[str, Any]:
    body = copy.deepcopy(index_body())
    for field in HIGHLIGHTED:
        assert body["mappings"]["properties"][field].pop("term_vector")
    return body


def _documents() -> Iterator[dict[str, Any]]:
    for n in range(ARTICLES):
        record = {
            "id": f"uji-vektor-{n}",
            "title": f"Banjir rob ke-{n} merendam permukiman nelayan di pesisir",
            "body": f"Banjir rob nomor {n} merendam ratusan rumah nelayan. "
            + "Warga mengungsi ke balai desa sambil menunggu air surut. " * 6,
            "category": "BERITA UTAMA / PERISTIWA",
            "published_at": f"2024-07-{1 + n:02d}T08:00:00+07:00",
            "publisher": "kompas.com",
        }
        yield to_document(Article.model_validate(record), "bucket/uploads/rob.ndjson")


@pytest.fixture
def archive(os_client, settings, monkeypatch) -> Iterator[str]:
    """``<alias>-v2`` as version 2 created it, filled as ingest writes; the search function's
    environment pointing at it (a new container per test)."""
    alias = unique_name("t-vectors")

    def fill(target: str) -> None:
        for doc in _documents():
            os_client.index(
                index=target, id=doc["id"], body=doc, version=1, version_type="external_gte"
            )
        os_client.indices.refresh(index=target)

    with live_archive(
        os_client,
        settings.opensearch_endpoint,
        monkeypatch,
        f"{alias}-v2",
        alias,
        _before_term_vectors(),
        fill,
    ):
        yield alias


def _marked_results(**params: Any) -> list[dict[str, Any]]:
    reply = search(**params)
    assert reply.status == 200, reply.body
    results: list[dict[str, Any]] = reply.body["results"]
    assert len(results) == ARTICLES
    for result in results:
        assert "<mark>" in result["title_html"], result
        assert "<mark>" in result["snippet_html"], result
    return results


def _fast_vector_search(os_client, alias: str) -> dict[str, Any]:
    body = {
        "query": {"match": {"title": "banjir"}},
        "highlight": {"type": "fvh", "fields": {field: {} for field in HIGHLIGHTED}},
    }
    answer: dict[str, Any] = os_client.search(index=alias, body=body)
    return answer


def test_the_fast_vector_highlighter_needs_term_vectors(os_client, archive):
    """The premise: OpenSearch refuses ``fvh`` on the old index (why search falls back)."""
    with pytest.raises(Exception, match="should be indexed with term vector"):
        _fast_vector_search(os_client, archive)


@pytest.mark.parametrize("deployed", [False, True], ids=["before-bootstrap", "after-bootstrap"])
def test_search_on_the_old_index_marks_every_result(os_client, archive, deployed):
    if deployed:
        assert bootstrap(os_client, archive)["Action"] == "reindex_needed"
    first = _marked_results(q="banjir rob nelayan")
    again = _marked_results(q="banjir rob nelayan")
    assert [r["snippet_html"] for r in again] == [r["snippet_html"] for r in first]
    newest = _marked_results(q="banjir rob", sort="newest")  # a story's copies: plain too
    assert len(newest) == ARTICLES


def test_the_deploy_reports_reindex_needed_and_never_closes(os_client, archive):
    live = f"{archive}-v2"
    assert_deploy_leaves_it_open(os_client, archive, live)
    assert set(HIGHLIGHTED) <= set(manager.mapping_difference(os_client, live).changed)


def test_the_reindex_keeps_every_article_and_search_reads_term_vectors_after(os_client, archive):
    bootstrap(os_client, archive)
    before = _marked_results(q="banjir rob nelayan")
    result = reindex.reindex(os_client, archive)
    old, new = f"{archive}-v2", f"{archive}-v3"  # the version after the live one
    assert result["to"] == new and manager.aliased_indices(os_client, archive) == (new,)
    difference = reindex_check.compare(os_client, old, new, derived=True)
    assert difference.clean, difference.summary()
    assert difference.target_documents == ARTICLES
    vectors = os_client.termvectors(index=new, id="uji-vektor-0", fields=list(HIGHLIGHTED))
    assert set(HIGHLIGHTED) <= set(vectors["term_vectors"])
    assert manager.ensure_index(os_client, archive) == "unchanged"

    load_handler_module("search").container_app.cache_clear()  # a new container
    after = _marked_results(q="banjir rob nelayan")
    assert _fast_vector_search(os_client, archive)["hits"]["hits"][0]["highlight"]["title"]
    assert {r["id"] for r in after} == {r["id"] for r in before}
