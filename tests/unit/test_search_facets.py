"""Facet shaping: labels, the category tree, and odd buckets dropped one by one."""

from __future__ import annotations

from cariberita.search import facets

CATEGORY_TREE = {
    "buckets": [
        {"key": "BERITA UTAMA / HUKRIM", "doc_count": 3},
        {"key": "Berita Utama / Politik", "doc_count": 5},
        {"key": "tv", "doc_count": 2},
        {"key": " / Olahraga /  / Bola ", "doc_count": 4},
    ]
}


def aggs(months: list[dict[str, object]] | None = None) -> dict[str, object]:
    return {
        "categories": {"buckets": [{"key": "berita utama", "doc_count": 8}]},
        "category_tree": CATEGORY_TREE,
        "publishers": {"buckets": [{"key": "a&b.com", "doc_count": 2}]},
        "authors": {"buckets": [{"key": "sari dewi", "doc_count": 1}]},
        "months": {
            "buckets": months
            if months is not None
            else [{"key_as_string": "2024-01", "doc_count": 7}]
        },
    }


def test_the_category_tree_sums_levels_and_orders_by_count_then_value():
    tree = facets.shape(aggs()).model_dump()["category_tree"]
    assert [(n["value"], n["label"], n["count"]) for n in tree] == [
        ("berita utama", "Berita Utama", 8),
        ("olahraga", "Olahraga", 4),
        ("tv", "TV", 2),
    ]
    assert [(c["value"], c["count"]) for c in tree[0]["children"]] == [
        ("politik", 5),
        ("hukrim", 3),
    ]
    assert tree[1]["children"][0]["value"] == "bola"
    assert tree[2]["children"] == []


def test_values_and_labels_are_escaped_and_labelled():
    shaped = facets.shape(aggs())
    assert shaped.categories[0].label == "Berita Utama"
    assert (shaped.publishers[0].value, shaped.publishers[0].label) == ("a&amp;b.com",) * 2
    assert shaped.authors[0].label == "Sari Dewi"


def test_an_odd_bucket_is_dropped_and_logged_and_the_others_kept(caplog):
    months = [
        {"key_as_string": "2024-01", "doc_count": 7},
        {"key_as_string": "+10000-01", "doc_count": 1},
        {"doc_count": 1},
    ]
    shaped = facets.shape(aggs(months))
    assert [(m.month, m.count) for m in shaped.months] == [("2024-01", 7)]
    assert [r.getMessage() for r in caplog.records] == ["facet bucket dropped"] * 2
    assert shaped.categories[0].count == 8  # the other facets are untouched
    assert shaped.category_tree == facets.shape(aggs()).category_tree


def test_odd_buckets_give_what_the_plain_path_gives_for_the_rest():
    good = [{"key_as_string": "2024-01", "doc_count": 7}]
    assert facets.shape(aggs(good)) == facets.shape(aggs([*good, {"key_as_string": "x"}]))
