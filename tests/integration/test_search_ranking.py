"""Ranking behaviour readers rely on: morphology, acronyms, typos, exactness, recency, ties,
suggestions and "did you mean". Real OpenSearch, our own sample articles only."""

from __future__ import annotations

import html

import pytest
from cariberita.search.highlight import NO_MATCH_CHARS, SNIPPET_FIELD

from tests.relevance.api import invoke, search

pytestmark = pytest.mark.filterwarnings("ignore:No application metrics")


@pytest.fixture(scope="module", autouse=True)
def search_index(loaded_search_index: str) -> str:
    return loaded_search_index


def ids(q: str, **params) -> list[str]:
    reply = search(q=q, size=50, **params)
    assert reply.status == 200, reply.body
    return [r["id"] for r in reply.body["results"]]


def test_inflected_verb_finds_the_noun_form():
    found = ids("melayani")
    # cb-0018's text says "pelayanan" and "melayani"; cb-0011 only "layanan".
    assert {"cb-0018", "cb-0011", "cb-0001"} <= set(found)


def test_noun_form_finds_articles_with_the_verb():
    assert "cb-0011" in ids("pelayanan")


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("pemkot blitar", "uji-pemerintah-kota"),  # acronym finds the expansion
        ("pemerintah kota blitar", "uji-pemerintah-kota"),
        ("komisi pemberantasan korupsi", "uji-kpk-saja"),  # expansion finds the acronym
        ("kpk saksi", "uji-kpk-saja"),
    ],
)
def test_acronyms_match_in_both_directions(q, expected):
    assert expected in ids(q)[:3]


def test_typo_in_a_long_word_is_tolerated():
    assert ids("mojokreto")[0] == "uji-mojokerto"
    assert ids("pasar murah mojokrto")[0] == "uji-mojokerto"


def test_typo_tolerance_does_not_fire_on_short_words():
    assert ids("tuwo") == ["uji-tuwo"]
    assert "uji-tuwo" not in ids("tawo")


def test_a_word_two_letters_away_is_another_word_not_a_typo():
    assert "uji-pelajaran" not in ids("pelayanan")
    assert ids("pelajarn")[0] == "uji-pelajaran"  # one slip in a 9-letter word still is


def test_exact_word_ranks_above_a_stem_only_match():
    found = ids("pelayanan")
    # Titles with the exact word come before cb-0011, whose title only has "layanan".
    assert found.index("cb-0001") < found.index("cb-0011")
    assert found.index("cb-0018") < found.index("cb-0011")


def test_title_match_ranks_above_body_only_match():
    found = ids("kebakaran")
    assert set(found[:2]) == {"cb-0003", "cb-0010"}


def test_newer_of_two_equal_articles_ranks_first():
    # The two are copies of one story: seen one by one, with collapsing off.
    found = ids("festival layang-layang kuwaru", collapse="false")
    assert found[:2] == ["uji-layang-baru", "uji-layang-lama"]


def test_equal_score_and_date_ties_break_by_id():
    first = ids("lomba perahu naga ciliwung", collapse="false")
    assert first[:2] == ["uji-kembar-a", "uji-kembar-b"]
    assert ids("lomba perahu naga ciliwung", collapse="false") == first


def test_empty_query_lists_latest_first():
    reply = search(size=5)
    dates = [r["published_at"] for r in reply.body["results"]]
    assert reply.body["results"][0]["id"] == "uji-awal-april"
    assert dates == sorted(dates, reverse=True)


@pytest.mark.parametrize("sort", ["relevance", "newest"])
def test_without_a_query_the_snippet_is_the_start_of_the_article_cut_after_a_word(
    os_client, search_index, sort
):
    # No query, nothing to mark: the highlighter only cuts the lead's first NO_MATCH_CHARS, to
    # the end of the word (on sort=newest the shown copy's, read through inner_hits).
    results = search(size=20, sort=sort).body["results"]
    assert results
    for result in results:
        stored = os_client.get(index=search_index, id=result["id"], stored_fields=SNIPPET_FIELD)
        lead = stored["fields"][SNIPPET_FIELD][0]
        snippet = html.unescape(result["snippet_html"])
        assert "<mark>" not in result["snippet_html"]
        assert lead.startswith(snippet), result["id"]
        assert len(snippet) >= min(len(lead), NO_MATCH_CHARS) - 1, result["id"]
        assert len(snippet) == len(lead) or not lead[len(snippet)].isalnum(), result["id"]


def test_results_carry_highlighted_title_and_snippet():
    result = search(q="melayani").body["results"][0]
    assert "<mark>" in result["title_html"] or "<mark>" in result["snippet_html"]
    assert (
        "<mark>melayani</mark>" in search(q="melayani").body["results"][0]["snippet_html"].lower()
    )


def test_did_you_mean_offers_a_spelling_that_finds_more():
    reply = search(q="nojokerto")
    assert reply.body["total"]["value"] == 0
    assert reply.body["did_you_mean"] == "mojokerto"
    assert search(q="mojokerto").body["total"]["value"] > 0


def test_no_did_you_mean_when_the_query_finds_plenty():
    assert search(q="kebakaran").body["did_you_mean"] is None


def test_no_did_you_mean_for_nonsense():
    assert search(q="qqqzzzxxx").body["did_you_mean"] is None


def test_suggest_completes_the_last_word():
    titles = [s["title"] for s in invoke("search-suggest", q="pelayanan pub").body["suggestions"]]
    assert titles
    assert all("pelayanan publik" in t.lower() for t in titles)


def test_suggest_tolerates_a_typo():
    reply = invoke("search-suggest", q="mojokreto")
    assert "uji-mojokerto" in [s["id"] for s in reply.body["suggestions"]]


def test_suggest_returns_a_few_titles_with_ids():
    suggestions = invoke("search-suggest", q="ke").body["suggestions"]
    assert 0 < len(suggestions) <= 6
    assert all(set(s) == {"id", "title"} for s in suggestions)
