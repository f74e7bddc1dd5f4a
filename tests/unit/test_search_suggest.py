"""As-you-type suggestions stay typo-tolerant at a bounded cost (docs/reliability.md)."""

from __future__ import annotations

from typing import Any

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
    section = suggest.spelling_section(q)
    assert section is not None
    return {g.get("max_edits") for g in section["spelling"]["phrase"]["direct_generator"]}


def test_did_you_mean_corrects_two_edits_where_the_search_allows_them():
    # Two edits is the phrase suggester's default: nothing is set up to 12 letters.
    assert _generator_edits("pemerintahn kota") == {None}
    assert _generator_edits("x" * FUZZY_TWO_EDITS_MAX_LETTERS) == {None}


def test_did_you_mean_corrects_one_edit_in_a_query_with_a_longer_word():
    # A two-edit automaton of a 20-letter word was most of such a search (docs/reliability.md).
    assert _generator_edits("banjir " + "x" * (FUZZY_TWO_EDITS_MAX_LETTERS + 1)) == {1}
