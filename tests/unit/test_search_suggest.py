"""As-you-type suggestions stay typo-tolerant at a bounded cost (docs/reliability.md), one title per
story; did-you-mean corrects only words no field of the index holds."""

from __future__ import annotations

import json
from typing import Any

from cariberita.index.mapping import SHOWN
from cariberita.search import suggest
from cariberita.search.params import MAX_SUGGEST_CHARS, suggest_text
from cariberita.search.ranking import FUZZINESS, FUZZY_TWO_EDITS_MAX_LETTERS


def _fuzzy_clauses(body: dict[str, Any]) -> list[dict[str, Any]]:
    clauses = [next(iter(c.values())) for c in body["query"]["bool"]["should"]]
    options = [c.get("title.exact", c) for c in clauses]
    return [o for o in options if "fuzziness" in o]


def test_a_short_input_keeps_the_searchs_typo_tolerance():
    body = suggest.suggest_body("pemerintahan provinsi", 1000)
    assert [c["fuzziness"] for c in _fuzzy_clauses(body)] == [FUZZINESS, FUZZINESS]


def test_a_long_input_allows_one_edit_per_word():
    q = suggest_text(" ".join(["pemerintahan"] * 7))
    assert len(q) > suggest.FULL_FUZZY_CHARS
    assert {c["fuzziness"] for c in _fuzzy_clauses(suggest.suggest_body(q, 1000))} == {
        suggest.ONE_EDIT
    }


def test_one_edit_means_one_for_every_word_a_suggestion_can_hold():
    _, high = suggest.ONE_EDIT.removeprefix("AUTO:").split(",")
    assert int(high) > MAX_SUGGEST_CHARS


def test_typos_are_looked_for_in_words_never_in_word_pairs():
    body = suggest.suggest_body("banjir rob", 1000)
    prefix = [c["multi_match"] for c in body["query"]["bool"]["should"] if "multi_match" in c]
    exact, fuzzy = prefix
    assert "title.suggest._2gram" in exact["fields"] and "fuzziness" not in exact
    assert fuzzy["fields"] == ["title.suggest"]


def _generator_edits(q: str) -> set[int | None]:
    section = suggest.spelling_section(q, [])
    assert section is not None
    return {g.get("max_edits") for g in section["spelling"]["phrase"]["direct_generator"]}


def test_did_you_mean_corrects_two_edits_where_the_search_allows_them():
    # Two edits is the phrase suggester's default: nothing is set up to 12 letters.
    assert _generator_edits("pemerintahn kota") == {None}
    assert _generator_edits("x" * FUZZY_TWO_EDITS_MAX_LETTERS) == {None}


def test_did_you_mean_corrects_one_edit_in_a_query_with_a_longer_word():
    # A two-edit automaton of a 20-letter word was most of such a search (docs/reliability.md).
    assert _generator_edits("banjir " + "x" * (FUZZY_TWO_EDITS_MAX_LETTERS + 1)) == {1}


# --- One title per story --------------------------------------------------------------------


def test_suggestions_are_one_per_story_and_still_six():
    from cariberita.search.query import STORY_FIELD

    body = suggest.suggest_body("jembatan gantung", 1000)
    # A collapse returns ``size`` distinct stories: copies never take a place of their own.
    assert body["collapse"] == {"field": STORY_FIELD}
    assert body["size"] == suggest.SUGGEST_SIZE


def test_an_index_without_stories_is_asked_without_the_collapse():
    from cariberita.search import legacy

    assert "collapse" not in legacy.adapt(suggest.suggest_body("jembatan gantung", 1000))


# --- Did you mean: only words no field holds --------------------------------------------------


def _section(q: str) -> dict[str, Any]:
    section = suggest.spelling_section(q, [])
    assert section is not None
    return section


def test_did_you_mean_looks_for_spellings_of_words_no_body_holds():
    # ``missing``: a word the bodies hold gets no candidates (``always`` turned ``pemkot``, in
    # 97 articles, into ``pekat``). One suggester: a title one vetoed every body-only word.
    section = _section("pemkot")
    assert set(section) == {"text", suggest.SPELLING}
    phrase = section[suggest.SPELLING]["phrase"]
    assert phrase["field"] == "body.exact"
    assert [(g["field"], g["suggest_mode"]) for g in phrase["direct_generator"]] == [
        ("body.exact", "missing")
    ]


def _answer(spellings: list[str], titles: tuple[str, ...] = ()) -> dict[str, Any]:
    hits = [{"_id": f"h{n}", "fields": {SHOWN["title"]: [t]}} for n, t in enumerate(titles)]
    return {
        "hits": {"hits": hits},
        "suggest": {suggest.SPELLING: [{"options": [{"text": t} for t in spellings]}]},
    }


def test_a_typo_of_a_word_only_bodies_hold_gets_its_spelling():
    # No title holds "memeriksa": the old title suggester had nothing to vouch with and vetoed.
    assert suggest.top_spelling(_answer(["memeriksa"]), "memsriksa") == "memeriksa"


def test_a_word_a_title_on_the_page_holds_is_not_corrected_from_the_bodies():
    # ``nobatkan`` is in a title and in no body: the body suggester "corrects" it.
    answer = _answer(["niatkan"], ("Bupati Nobatkan Duta Wisata",))
    assert suggest.top_spelling(answer, "nobatkan") is None


def test_only_the_word_a_spelling_replaces_is_checked_against_the_titles():
    answer = _answer(["pemkot niatkan", "pemda nobatkan"], ("Bupati nobatkan duta",))
    # The first replaces the title's word; the second corrects the other word.
    assert suggest.spelling_candidates(answer, "pemkot nobatkan") == ["pemda nobatkan"]


def test_a_spelling_is_checked_within_the_requests_filters_passed_as_a_parameter():
    from cariberita.search import query
    from cariberita.search.params import SearchParams

    # A reader's filter value that looks like mustache stays data: it is never in the template.
    params = SearchParams.from_query(q="gempa lonbok", category=["{{suggestion}} olahraga"])
    body = query.search_body(params, 1000)
    section = suggest.spelling_section(params.q, query.scope(body))
    assert section is not None
    collate = section[suggest.SPELLING]["phrase"]["collate"]
    assert collate["params"] == {"filters": query.scope(body)}
    assert "olahraga" in json.dumps(collate["params"])
    assert "olahraga" not in collate["query"]["source"]
    assert "prune" not in collate  # an option no article holds is dropped, not flagged


def test_the_scope_of_a_search_is_its_filters_and_its_post_filter():
    from cariberita.search import query
    from cariberita.search.params import SearchParams

    params = SearchParams.from_query(q="banjir", category=["nasional"], publisher=["kompas.com"])
    body = query.search_body(params, 1000)
    scope = query.scope(body)
    assert scope[: len(body["query"]["bool"]["filter"])] == body["query"]["bool"]["filter"]
    if "post_filter" in body:
        assert scope[-1] == body["post_filter"]
    assert "kompas.com" in json.dumps(scope) and "nasional" in json.dumps(scope)
