"""An index from before stored fields is recognised from its answers and read in legacy form;
one from before term vectors is highlighted with the plain highlighter."""

from __future__ import annotations

from typing import Any

import pytest
from cariberita.search import highlight, legacy, query, results
from cariberita.search.legacy import IndexShape, NoTermVectors, UnmappedField
from cariberita.search.params import SearchParams

OLD_HIT = {"_id": "a1", "_source": {"id": "a1", "title": "Banjir"}, "highlight": {}}
NEW_HIT = {"_id": "a1", "fields": {"id": ["a1"], "title": ["Banjir"], "story": ["s1"]}}


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


class Index:
    """Answers like an old (``stored=False``) or a rebuilt index; records what it was sent."""

    def __init__(self, stored: bool, story_mapped: bool = True, vectors: bool = True) -> None:
        self.stored, self.story_mapped, self.vectors = stored, story_mapped, vectors
        self.sent: list[dict[str, Any]] = []

    def __call__(self, body: dict[str, Any]) -> dict[str, Any]:
        self.sent.append(body)
        if not self.vectors and highlight.FAST_VECTOR in _highlighters(body):
            raise NoTermVectors("the field [title] should be indexed with term vector with ...")
        if "collapse" in body and not self.story_mapped:
            raise UnmappedField("no mapping found for `story` in order to collapse on")
        hit = NEW_HIT if self.stored else OLD_HIT
        return {"hits": {"total": {"value": 1, "relation": "eq"}, "hits": [hit]}}


def _highlighters(body: dict[str, Any]) -> set[str]:
    """The highlighter types ``body`` asks for, on its hits and its story's copies."""
    inner = (body.get("collapse") or {}).get("inner_hits") or {}
    blocks = [body.get("highlight"), inner.get("highlight")]
    return {b["type"] for b in blocks if isinstance(b, dict) and "type" in b}


def body() -> dict[str, Any]:
    return query.search_body(SearchParams(q="banjir"), 1000)


def test_an_answer_without_stored_titles_resends_the_request_in_legacy_form():
    shape, index = IndexShape(clock=Clock()), Index(stored=False)
    shape.search(index, body())
    assert [("collapse" in b, b["_source"]) for b in index.sent] == [
        (True, False),
        (False, {"includes": list(legacy.adapt(body())["_source"]["includes"])}),
    ]
    assert shape.legacy


def test_the_legacy_verdict_saves_the_extra_round_trip_until_its_ttl():
    clock = Clock()
    shape, index = IndexShape(ttl_s=300, clock=clock), Index(stored=False)
    shape.search(index, body())
    shape.search(index, body())
    assert len(index.sent) == 3  # detection: two; then one, in legacy form
    clock.now = 301
    assert not shape.legacy
    shape.search(index, body())
    assert len(index.sent) == 5  # the normal form tried again, then legacy again


def test_a_rebuilt_index_ends_the_legacy_verdict_at_its_first_answer():
    shape, index = IndexShape(clock=Clock()), Index(stored=False)
    shape.search(index, body())
    index.stored = True
    shape.search(index, body())
    assert not shape.legacy
    shape.search(index, body())
    assert "collapse" in index.sent[-1] and index.sent[-1]["_source"] is False


def test_a_collapse_refused_on_an_unmapped_story_means_legacy():
    shape, index = IndexShape(clock=Clock()), Index(stored=False, story_mapped=False)
    response = shape.search(index, body())
    assert shape.legacy and response["hits"]["hits"] == [OLD_HIT]


def test_a_refused_request_the_legacy_form_would_not_change_is_raised():
    shape = IndexShape(clock=Clock())

    def refuse(_: dict[str, Any]) -> dict[str, Any]:
        raise UnmappedField("no mapping found for `nothing`")

    with pytest.raises(UnmappedField):
        shape.search(refuse, {"query": {"match_all": {}}})


def test_a_new_index_is_asked_once_per_search():
    shape, index = IndexShape(clock=Clock()), Index(stored=True)
    shape.search(index, body())
    assert len(index.sent) == 1 and not shape.legacy


def test_the_legacy_form_asks_display_fields_body_snippets_and_no_story_count():
    adapted = legacy.adapt(query.search_body(SearchParams(q="banjir", collapse=True), 1000))
    assert "collapse" not in adapted and "stories" not in adapted["aggs"]
    assert {"title", "publisher", "published_at", "category"} <= set(adapted["_source"]["includes"])
    assert "body" not in adapted["_source"]["includes"]  # snippets come from the highlighter
    assert {"body", "body.exact", "lead"} <= set(adapted["highlight"]["fields"])
    assert adapted["stored_fields"] == list(query.STORED_FIELDS)  # sees a rebuilt index


def test_a_legacy_hit_shows_its_source_and_a_body_snippet():
    hit = {
        "_id": "a1",
        "_source": {"id": "a1", "title": "Banjir <b>", "publisher": "kompas.com"},
        "highlight": {"body": ["Air \ue000banjir\ue001 naik"]},
    }
    result = results.search_result(hit)
    assert result.title == "Banjir &lt;b&gt;" and result.publisher == "kompas.com"
    assert result.snippet_html == "Air <mark>banjir</mark> naik"


def test_stored_fields_win_over_source():
    hit = {"_id": "a1", "_source": {"title": "lama"}, "fields": {"title": ["baru"]}}
    assert results.shown(hit)["title"] == "baru"


def newest() -> dict[str, Any]:
    return query.search_body(SearchParams(q="banjir", sort="newest"), 1000)


def test_a_newest_page_whose_copies_lack_stored_titles_is_legacy():
    # The hits of a newest page ask for no stored field; their copies do (search/query.py).
    story_only = {"fields": {"story": ["s1"]}, "sort": [1, "a1"]}
    old = {
        "hits": {
            "hits": [{**story_only, "inner_hits": {"copies": {"hits": {"hits": [{"_id": "a1"}]}}}}]
        }
    }
    new = {
        "hits": {"hits": [{**story_only, "inner_hits": {"copies": {"hits": {"hits": [NEW_HIT]}}}}]}
    }
    assert legacy.asks_stored_title(newest())
    assert legacy.lacks_stored_fields(newest(), old)
    assert not legacy.lacks_stored_fields(newest(), new) and legacy.has_stored_fields(new)


def test_the_legacy_form_of_a_newest_page_asks_on_the_hits_what_the_copies_asked():
    adapted = legacy.adapt(newest())
    assert "collapse" not in adapted
    assert adapted["stored_fields"] == list(query.STORED_FIELDS)
    assert "title" in adapted["_source"]["includes"]
    assert {"lead", "body"} <= set(adapted["highlight"]["fields"])


def test_a_search_with_a_query_asks_for_the_fast_vector_highlighter():
    assert _highlighters(body()) == {highlight.FAST_VECTOR}
    assert _highlighters(newest()) == {highlight.FAST_VECTOR}  # on the copies it shows


def test_an_index_without_term_vectors_is_highlighted_plainly_until_the_ttl():
    clock = Clock()
    shape, index = IndexShape(ttl_s=300, clock=clock), Index(stored=True, vectors=False)
    response = shape.search(index, body())
    assert response["hits"]["hits"] == [NEW_HIT] and shape.plain and not shape.legacy
    assert [_highlighters(b) for b in index.sent] == [{highlight.FAST_VECTOR}, {"plain"}]
    # The plain form is the same request otherwise: bounds, fields and marks unchanged.
    fast, plain = index.sent
    assert {**plain["highlight"], "type": highlight.FAST_VECTOR} == fast["highlight"]
    assert {k: v for k, v in plain.items() if k != "highlight"} == {
        k: v for k, v in fast.items() if k != "highlight"
    }
    shape.search(index, body())
    assert len(index.sent) == 3 and _highlighters(index.sent[-1]) == {"plain"}  # no extra trip
    clock.now = 301
    index.vectors = True  # reindexed meanwhile: after the ttl the fast form is tried again
    shape.search(index, body())
    assert len(index.sent) == 4 and _highlighters(index.sent[-1]) == {highlight.FAST_VECTOR}
    assert not shape.plain


def test_a_newest_page_without_term_vectors_highlights_its_copies_plainly():
    shape, index = IndexShape(clock=Clock()), Index(stored=True, vectors=False)
    shape.search(index, newest())
    assert highlight.FAST_VECTOR not in _highlighters(index.sent[-1])
    assert "inner_hits" in index.sent[-1]["collapse"]


def test_an_index_from_before_stored_fields_and_term_vectors_is_read_in_legacy_form():
    shape, index = IndexShape(clock=Clock()), Index(stored=False, vectors=False)
    response = shape.search(index, body())
    assert shape.legacy and shape.plain and response["hits"]["hits"] == [OLD_HIT]
    assert _highlighters(index.sent[-1]) == {"plain"} and "collapse" not in index.sent[-1]
    assert _highlighters(legacy.adapt(body())) == {"plain"}
    assert _highlighters(legacy.adapt(newest())) == {"plain"}  # the hits ask what copies asked


def test_a_refusal_of_term_vectors_the_plain_form_would_not_change_is_raised():
    shape = IndexShape(clock=Clock())

    def refuse(_: dict[str, Any]) -> dict[str, Any]:
        raise NoTermVectors("should be indexed with term vector")

    with pytest.raises(NoTermVectors):
        shape.search(refuse, {"query": {"match_all": {}}})
