"""Filters, sorting, facets and paging (pages and signed cursors) against real OpenSearch."""

from __future__ import annotations

import pytest

from tests.relevance.api import search
from tests.relevance.corpus import load

pytestmark = pytest.mark.filterwarnings("ignore:No application metrics")


@pytest.fixture(scope="module", autouse=True)
def search_index(loaded_search_index: str) -> str:
    return loaded_search_index


def ids(**params) -> set[str]:
    reply = search(size=50, **params)
    assert reply.status == 200, reply.body
    return {r["id"] for r in reply.body["results"]}


@pytest.mark.parametrize("category", ["hukrim", "HUKRIM", "Hukrim", " hukrim "])
def test_category_matches_any_level_case_insensitively(category):
    assert {"cb-0002", "cb-0007", "cb-0016", "cb-0023", "uji-kpk-saja"} <= ids(category=[category])


def test_category_matches_the_top_level_of_a_path():
    found = ids(category=["berita utama"])
    assert {"cb-0002", "cb-0003", "cb-0014"} <= found
    assert "cb-0001" not in found


def test_repeated_category_means_any_of_them():
    both = ids(category=["olahraga", "sports"])
    assert {"cb-0005", "cb-0017"} <= both
    assert ids(category=["olahraga"]) | ids(category=["sports"]) == both


def test_unknown_category_finds_nothing():
    reply = search(category=["tidak-ada"])
    assert reply.body["total"] == {"value": 0, "exact": True, "stories": 0}


@pytest.mark.parametrize(
    ("params", "late_march", "early_april"),
    [
        ({"date_to": "2024-03-31"}, True, False),
        ({"date_from": "2024-04-01"}, False, True),
        ({"date_from": "2024-03-31", "date_to": "2024-03-31"}, True, False),
        ({"date_from": "2024-04-01", "date_to": "2024-04-01"}, False, True),
    ],
)
def test_dates_are_inclusive_whole_days_in_wib(params, late_march, early_april):
    found = ids(q="ronda kampung cempaka", **params)
    assert ("uji-akhir-maret" in found) is late_march
    assert ("uji-awal-april" in found) is early_april


def test_author_filter_is_case_insensitive():
    found = ids(author="agus salim")
    assert found == {"cb-0002", "cb-0007", "cb-0016", "cb-0023", "uji-kpk-saja"}
    assert ids(author="AGUS SALIM") == found


def test_tag_filter():
    assert ids(tag="Harga Pangan") == {"cb-0008", "cb-0024"}


def test_filters_combine_with_text():
    assert ids(q="penangkapan", category=["hukrim"], tag="narkoba") == {"cb-0023"}


@pytest.mark.parametrize(("sort", "reverse"), [("newest", True), ("oldest", False)])
def test_sort_by_date(sort, reverse):
    results = search(q="kebakaran", sort=sort, size=50).body["results"]
    dates = [r["published_at"] for r in results]
    assert len(dates) >= 2
    assert dates == sorted(dates, reverse=reverse)


def test_category_facet_ignores_the_category_filter_itself():
    unfiltered = search(q="penangkapan").body
    filtered = search(q="penangkapan", category=["hukrim"]).body
    assert filtered["total"]["value"] <= unfiltered["total"]["value"]
    assert filtered["facets"]["categories"] == unfiltered["facets"]["categories"]
    counts = {c["value"]: c["count"] for c in filtered["facets"]["categories"]}
    assert counts["hukrim"] == filtered["total"]["value"]


def test_category_facet_respects_other_filters():
    facets = search(tag="harga pangan").body["facets"]["categories"]
    assert {c["value"] for c in facets} == {"ekonomi"}


def test_month_histogram_uses_wib_and_follows_the_category_filter():
    months = {
        m["month"]: m["count"] for m in search(q="ronda kampung cempaka").body["facets"]["months"]
    }
    assert months == {"2024-03": 1, "2024-04": 1}
    only = search(category=["olahraga"]).body["facets"]["months"]
    assert sum(m["count"] for m in only) == search(category=["olahraga"]).body["total"]["value"]


def test_pages_do_not_overlap_and_match_one_big_page():
    everything = [r["id"] for r in search(size=30).body["results"]]
    paged = [r["id"] for p in (1, 2, 3) for r in search(size=10, page=p).body["results"]]
    assert paged == everything


def test_following_cursors_walks_the_same_order_as_pages():
    everything = [r["id"] for r in search(q="warga", size=50).body["results"]]
    walked, cursor = [], None
    for _ in range(20):
        body = search(q="warga", size=3, cursor=cursor).body
        walked += [r["id"] for r in body["results"]]
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert walked == everything
    assert len(walked) == search(q="warga").body["total"]["value"]


def test_last_page_has_no_next_cursor():
    body = search(tag="harga pangan", size=2).body
    assert len(body["results"]) == 2
    assert body["next_cursor"] is None


def test_cursor_of_another_query_is_refused():
    cursor = search(q="warga", size=2).body["next_cursor"]
    reply = search(q="banjir", size=2, cursor=cursor)
    assert reply.status == 400
    assert reply.body["error"]["code"] == "cursor_mismatch"
    assert search(q="warga", size=2, sort="newest", cursor=cursor).status == 400


def test_tampered_cursor_is_refused():
    cursor = search(q="warga", size=2).body["next_cursor"]
    body, _, sig = cursor.partition(".")
    forged = body[:-2] + ("A" if body[-2] != "A" else "B") + body[-1] + "." + sig
    reply = search(q="warga", size=2, cursor=forged)
    assert reply.status == 400
    assert reply.body["error"]["field"] == "cursor"


def test_cursor_with_page_is_refused():
    cursor = search(q="warga", size=2).body["next_cursor"]
    assert search(q="warga", size=2, page=2, cursor=cursor).body["error"]["field"] == "cursor"


def test_cursors_go_past_the_result_window(os_client, fresh_index_alias, monkeypatch):
    """With the window lowered to 30 on a 75-article index, cursors still reach every article."""
    records = (
        {
            "id": f"uji-jendela-{n:03d}",
            "title": f"Berita jendela nomor {n}",
            "body": "Artikel uji untuk paging melewati jendela hasil.",
            "published_at": f"2024-02-{1 + n % 28:02d}T10:00:00+07:00",
            "category": "Uji",
        }
        for n in range(75)
    )
    load(os_client, fresh_index_alias, records, "tests")
    os_client.indices.put_settings(
        index=fresh_index_alias, body={"index": {"max_result_window": 30}}
    )
    monkeypatch.setenv("ARTICLES_INDEX", fresh_index_alias)
    seen, cursor = [], None
    while True:
        body = search(q="jendela", size=20, cursor=cursor).body
        seen += [r["id"] for r in body["results"]]
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert len(seen) == len(set(seen)) == 75
