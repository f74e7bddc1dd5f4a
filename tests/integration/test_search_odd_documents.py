"""One stored document cannot break a response for every reader.

Documents that the article contract refuses today (a year-10000 date) may still sit in an index
written before the contract bounded dates; they are indexed here directly, as such a leftover.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from cariberita.articles import Article, to_document

from tests.relevance.api import env, invoke, search

pytestmark = pytest.mark.filterwarnings("ignore:No application metrics")

FAR_FUTURE_ID = "uji-tahun-10000"
NORMAL_ID = "uji-biasa"


@pytest.fixture(scope="module", autouse=True)
def search_index(os_client, index_alias, settings) -> Iterator[str]:
    normal = Article.model_validate(
        {
            "id": NORMAL_ID,
            "title": "Pasar malam kembali dibuka",
            "body": "Pasar malam di alun-alun kembali dibuka setelah renovasi.",
            "published_at": "2024-03-01T10:00:00+07:00",
            "category": "Uji",
        }
    )
    os_client.index(index=index_alias, id=NORMAL_ID, body=to_document(normal, "tests"))
    # 9999-12-31T23:59:59Z is 10000-01-01 06:59:59 in WIB: the month bucket is "+10000-01".
    future = Article.model_validate(
        {
            "id": FAR_FUTURE_ID,
            "title": "Pasar malam dari masa depan",
            "body": "Pasar malam ini katanya digelar sangat jauh di masa depan.",
            "category": "Uji",
        }
    )
    leftover = to_document(future, "tests")
    leftover.update(published_at="9999-12-31T23:59:59Z", updated_at="9999-12-31T23:59:59Z")
    os_client.index(index=index_alias, id=FAR_FUTURE_ID, body=leftover, refresh=True)
    with pytest.MonkeyPatch.context() as mp:
        for name, value in env(settings.opensearch_endpoint, index_alias).items():
            mp.setenv(name, value)
        yield index_alias


def test_the_default_listing_answers_despite_a_year_10000_article():
    reply = search()
    assert reply.status == 200, reply.body
    assert {r["id"] for r in reply.body["results"]} == {NORMAL_ID, FAR_FUTURE_ID}


def test_the_odd_month_bucket_is_dropped_and_the_others_kept():
    reply = search(q="pasar malam")
    assert reply.status == 200, reply.body
    assert reply.body["facets"]["months"] == [{"month": "2024-03", "count": 1}]


@pytest.mark.parametrize("sort", ["newest", "oldest", "relevance"])
def test_every_sort_answers_with_the_odd_article(sort):
    reply = search(q="pasar", sort=sort)
    assert reply.status == 200, reply.body
    assert len(reply.body["results"]) == 2


def test_the_odd_article_itself_can_be_read():
    reply = _article(FAR_FUTURE_ID)
    assert reply.status == 200, reply.body


def _article(article_id: str):
    from tests.support.events import load_event

    event = load_event("search-article.json")
    event["path"] = f"/articles/{article_id}"
    event["pathParameters"] = {"article_id": article_id}
    return invoke(event)
