"""Search reads stored fields, never ``_source``; snippets come from the bounded ``lead``."""

from __future__ import annotations

from typing import Any

from cariberita.articles.document import LEAD_CHARS, lead_of
from cariberita.index.mapping import SHOWN, mappings
from cariberita.search import highlight, query, related, results
from cariberita.search.params import SearchParams


def _field(path: str) -> dict[str, Any]:
    props = mappings()["properties"]
    name, _, sub = path.partition(".")
    return props[name]["fields"][sub] if sub else props[name]


def test_every_shown_and_highlighted_field_is_stored():
    highlighted = {
        **highlight.request(highlight.MAX_HIGHLIGHT_OFFSET)["fields"],
        **highlight.opening()["fields"],
    }
    for path in [*SHOWN.values(), *highlighted]:
        assert _field(path).get("store") is True, path


def test_no_search_request_asks_for_source():
    body = query.search_body(SearchParams(q="banjir"), 1000)
    assert body["_source"] is False and body["stored_fields"] == list(query.STORED_FIELDS)
    newest = query.search_body(SearchParams(q="banjir", sort="newest"), 1000)
    assert newest["_source"] is False
    copies = newest["collapse"]["inner_hits"]
    assert copies["_source"] is False and copies["stored_fields"] == list(query.STORED_FIELDS)
    seed = {"_index": "a", "_id": "x", "_source": {}}
    assert related.body(seed, 5, 1000)["_source"] is False


def test_a_hit_is_read_from_its_stored_fields_lists_kept_and_escaped():
    hit = {
        "_id": "a1",
        "fields": {
            "id": ["a1"],
            "title": ["Banjir <b>"],
            "category.shown": ["Berita Utama", "Daerah"],
            "published_at.shown": ["2024-03-01T08:00:00+07:00"],
            "author.shown": ["Siti Aminah"],
        },
        "highlight": {"lead": [f"Banjir {highlight.PRE}rob{highlight.POST} di pesisir"]},
    }
    result = results.search_result(hit)
    assert result.title == "Banjir &lt;b&gt;"
    assert result.categories == ["Berita Utama", "Daerah"]
    assert result.published_at == "2024-03-01T08:00:00+07:00"
    assert result.author == "Siti Aminah"
    assert result.snippet_html == "Banjir <mark>rob</mark> di pesisir"


def test_the_lead_is_cut_at_a_word_and_a_short_body_is_whole():
    assert lead_of("Banjir rob.") == "Banjir rob."
    body = "kata " * 2_000
    lead = lead_of(body)
    assert len(lead) <= LEAD_CHARS and lead.endswith("kata") and body.startswith(lead)
    assert lead_of("x" * (LEAD_CHARS + 10)) == "x" * LEAD_CHARS


def test_a_newest_page_reads_each_article_once_through_its_storys_copies():
    # The page shows each story's oldest copy (inner hits): the hit's own stored document is
    # not read for fields or marks that would never be shown.
    body = query.search_body(SearchParams(q="banjir", sort="newest"), 1000)
    assert body["stored_fields"] == query.NO_STORED_FIELDS and "highlight" not in body
    assert body["collapse"]["inner_hits"]["highlight"]["fields"]


def test_a_newest_hit_without_an_id_of_its_own_shows_its_oldest_copy():
    copy = {
        "_id": "a0",
        "fields": {"id": ["a0"], "title": ["Banjir"], "publisher.shown": ["kompas.com"]},
        "highlight": {"lead": [f"{highlight.PRE}Banjir{highlight.POST} rob"]},
    }
    hit = {
        "fields": {"story": ["s1"]},
        "sort": [1, "a1"],
        "inner_hits": {"copies": {"hits": {"total": {"value": 2}, "hits": [copy]}}},
    }
    result = results.search_result(hit, show_original=True)
    assert (result.id, result.title, result.copies) == ("a0", "Banjir", 2)
    assert result.snippet_html == "<mark>Banjir</mark> rob"
