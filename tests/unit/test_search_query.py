"""The request body: user text only reaches match-family queries; filters and facets are shaped."""

from __future__ import annotations

from datetime import date
from typing import Any

from cariberita.search import query, ranking, suggest
from cariberita.search.cursor import Position
from cariberita.search.params import SearchParams
from cariberita.search.synonyms import Synonyms
from hypothesis import given, settings
from hypothesis import strategies as st

# Query types that would interpret user text as syntax, patterns or code.
FORBIDDEN = {
    "query_string",
    "simple_query_string",
    "wildcard",
    "regexp",
    "script",
    "script_score",
    "prefix",
}


def keys(value: Any) -> set[str]:
    if isinstance(value, dict):
        return set(value) | {k for v in value.values() for k in keys(v)}
    if isinstance(value, list):
        return {k for v in value for k in keys(v)}
    return set()


def places_of(value: Any, text: str, path: tuple = ()) -> list[tuple]:
    """Paths of every dict key whose value is exactly ``text``."""
    found = []
    if isinstance(value, dict):
        for k, v in value.items():
            if v == text:
                found.append((*path, k))
            found += places_of(v, text, (*path, k))
    elif isinstance(value, list):
        for v in value:
            found += places_of(v, text, path)
    return found


def bodies(q: str) -> list[dict[str, Any]]:
    return [query.search_body(SearchParams.from_query(q=q), 1000), suggest.suggest_body(q, 1000)]


SENTINEL = "zzsentinelzz"
USER_TEXT_PLACES = [set(places_of(body, SENTINEL)) for body in bodies(SENTINEL)]


MATCH_FAMILY = {"multi_match", "match", "match_phrase", "match_bool_prefix"}


def is_match_text(path: tuple) -> bool:
    return len(path) >= 2 and path[-2] in MATCH_FAMILY and path[-1] == "query"


@settings(max_examples=200, deadline=None)
@given(st.text(min_size=1, max_size=200))
def test_user_text_reaches_only_match_queries(text):
    q = SearchParams.from_query(q=text).q or "x"
    for body, allowed, constant_body in zip(
        bodies(q), USER_TEXT_PLACES, bodies(SENTINEL), strict=True
    ):
        assert not keys(body) & FORBIDDEN
        # The query, or each of its words (ranking reads it word by word), shows up only as the
        # text of a match-family query, in a place meant for user text, or as a constant.
        for piece in {q, *q.split()}:
            places = set(places_of(body, piece)) - allowed - set(places_of(constant_body, piece))
            assert [p for p in places if not is_match_text(p)] == []
    for allowed in USER_TEXT_PLACES:
        assert allowed and all(place[-1] == "query" for place in allowed)
        assert {place[-2] for place in allowed} <= {"multi_match", "title.exact"}


def test_empty_query_is_match_all_sorted_newest_first():
    body = query.search_body(SearchParams.from_query(), 1000)
    assert body["query"]["bool"]["must"] == [{"match_all": {}}]
    assert body["sort"][0] == {"_score": {"order": "desc"}}
    assert body["sort"][1]["published_at"]["order"] == "desc"


def test_relevance_sort_ties_break_on_date_then_id():
    body = query.search_body(SearchParams.from_query(q="banjir"), 1000)
    assert [next(iter(s)) for s in body["sort"]] == ["_score", "published_at", "id"]


def test_category_is_a_post_filter_so_facets_ignore_it():
    body = query.search_body(SearchParams.from_query(q="banjir", category=["Hukrim", "bola"]), 1000)
    assert body["post_filter"] == {"terms": {"category": ["hukrim", "bola"]}}
    assert body["query"]["bool"]["filter"] == []
    assert body["aggs"]["categories"]["terms"]["field"] == "category"
    assert body["aggs"]["months"]["filter"] == body["post_filter"]


def test_dates_are_whole_wib_days():
    body = query.search_body(
        SearchParams.from_query(date_from=date(2024, 3, 1), date_to=date(2024, 3, 31)), 1000
    )
    ranges = [clause["range"]["published_at"] for clause in body["query"]["bool"]["filter"]]
    assert ranges == [
        {"time_zone": "+07:00", "format": "yyyy-MM-dd", "gte": "2024-03-01||/d"},
        {"time_zone": "+07:00", "format": "yyyy-MM-dd", "lte": "2024-03-31||/d"},
    ]


def test_cursor_replaces_from_with_search_after():
    body = query.search_body(SearchParams.from_query(q="banjir"), 1000, Position([1.0, 2, "x"], 10))
    assert body["search_after"] == [1.0, 2, "x"]
    assert "from" not in body


def test_page_sets_from():
    assert query.search_body(SearchParams.from_query(q="x", page=3, size=20), 1000)["from"] == 40


def test_time_budget_is_sent_to_opensearch():
    assert query.search_body(SearchParams.from_query(q="x"), 2500)["timeout"] == "2500ms"


def test_typo_tolerance_spares_short_words_long_words_and_long_queries():
    forms = ranking.text_query("banjir")["bool"]["should"][0]["dis_max"]["queries"]
    fuzzy = next(f["multi_match"] for f in forms if "fuzziness" in f["multi_match"])
    # What OpenSearch's AUTO:low,high allows per word length: pelayanan (9 letters) must stay
    # out of two edits' reach of pelajaran, and four-letter words get no edit at all.
    low, high = map(int, fuzzy["fuzziness"].removeprefix("AUTO:").split(","))
    edits = {n: 0 if n < low else 1 if n < high else 2 for n in (3, 4, 5, 9, 10)}
    assert edits == {3: 0, 4: 0, 5: 1, 9: 1, 10: 2}
    assert fuzzy["prefix_length"] == 1
    assert all(f.split("^")[0].endswith(".exact") for f in fuzzy["fields"])
    assert "dis_max" not in ranking.text_query("kota")["bool"]["should"][0]  # too short
    assert "dis_max" not in ranking.text_query("x" * 21)["bool"]["should"][0]  # too long
    long_forms = ranking.text_query("pertanggungjawaban")["bool"]["should"][0]["dis_max"]
    assert [f["multi_match"]["fuzziness"] for f in long_forms["queries"][1:]] == ["1"]
    for n in (ranking.FUZZY_MAX_QUERY_CONCEPTS, ranking.FUZZY_MAX_QUERY_CONCEPTS + 1):
        words = [f"banjir{c}" for c in "abcdefgh"[:n]]
        clauses = ranking.text_query(" ".join(words))["bool"]["should"]
        fuzzy_words = ["dis_max" in clause for clause in clauses]
        assert fuzzy_words == [n <= ranking.FUZZY_MAX_QUERY_CONCEPTS] * n


def test_recency_is_a_soft_multiplier_summed_over_recent_articles_only():
    body = query.search_body(SearchParams.from_query(q="banjir"), 1000)
    scored = body["query"]["bool"]["must"][0]["bool"]
    plain, boost = scored["should"]
    assert scored["minimum_should_match"] == 1
    # score + score * weight * decay: the plain query, and the same query times the decay
    assert boost["function_score"]["query"]["bool"]["must"] == [plain]
    recent = boost["function_score"]["query"]["bool"]["filter"][0]["range"]["published_at"]
    assert recent == {"gte": f"now/h-{ranking.RECENCY_WINDOW}"}
    assert boost["function_score"]["boost_mode"] == "multiply"
    (function,) = boost["function_score"]["functions"]
    assert 0 < function["weight"] <= 0.5 and "gauss" in function


def test_short_queries_put_articles_with_every_concept_in_a_tier_outside_recency():
    for q, tiered in [("banjir", False), ("kebakaran jatim", True), ("hut polri jakarta", True)]:
        scoring = query.search_body(SearchParams.from_query(q=q), 1000)["query"]["bool"]["must"][0]
        if not tiered:
            assert "constant_score" not in keys(scoring)
            continue
        (recency_sum,) = scoring["bool"]["must"]
        assert "function_score" in keys(recency_sum)  # recency orders within the tier
        (tier,) = scoring["bool"]["should"]
        assert tier["constant_score"]["boost"] == ranking.ALL_CONCEPTS_TIER
        every = tier["constant_score"]["filter"]["bool"]["filter"]
        assert len(every) == len(ranking.read(q))
        assert "fuzziness" in keys(every)  # a typo of a concept counts as having it
    words = " ".join(f"banjir{c}" for c in "abcd"[: ranking.ALL_CONCEPTS_MAX + 1])
    assert "constant_score" not in keys(query.search_body(SearchParams.from_query(q=words), 1000))
    newest = query.search_body(SearchParams.from_query(q="kebakaran jatim", sort="newest"), 1000)
    assert "constant_score" not in keys(newest["query"])


def test_the_tier_stays_below_an_editors_pin():
    from cariberita.rules import steering

    # The sum of concept scores is a few tens at most, times recency's 1.25.
    assert 100 < ranking.ALL_CONCEPTS_TIER < steering.PIN_BOOST


def test_date_sorts_do_not_use_recency_scoring():
    body = query.search_body(SearchParams.from_query(q="banjir", sort="newest"), 1000)
    assert "function_score" not in keys(body)


def test_a_prefixed_number_has_its_other_spelling_as_an_equivalent_form():
    forms = {c.text: c.synonyms for c in ranking.read("timnas u16 covid-19 g20 ke-70 skor 2-0")}
    assert forms["u16"] == ("u 16",)  # as a phrase: the title's "U-16"
    assert forms["covid-19"] == ("covid19",)
    assert forms["g20"] == ("g 20",)
    assert forms["ke-70"] == ()  # "ke" is a stopword, not a prefix
    assert forms["2-0"] == ()  # a score, not a prefixed number


# --- found by a review of the search side (2026-12-03) ----------------------------------------


def test_a_query_expands_to_at_most_the_synonym_word_budget_keeping_every_concept():
    # Editors' groups within their limits (20 forms of 12 words) and 32 repeats of their word
    # made a query of more than 1,024 clauses: OpenSearch refused it, every time (503).
    forms = [" ".join(f"w{n}x{i}" for i in range(12)) for n in range(19)]
    table = Synonyms.from_groups([["zq", *forms]])
    read = ranking.concepts(" ".join(["zq"] * 32), table)
    assert len(read) == 32
    assert sum(len(f.split()) for c in read for f in c.synonyms) <= ranking.SYNONYM_WORDS
    assert read[0].synonyms == tuple(sorted(forms))[: ranking.SYNONYM_WORDS // 12]
    assert all(len(c.ratios) in (0, len(c.synonyms)) for c in read)


def test_an_editors_group_of_stopwords_only_is_a_stopword():
    # "dan, serta" made each of them a concept that matched nothing and still counted toward
    # the share of concepts an article needs: "banjir dan longsor serta" found nothing.
    table = Synonyms.from_groups([["dan", "serta"]])
    assert [c.text for c in ranking.concepts("banjir dan longsor serta", table)] == [
        "banjir",
        "longsor",
    ]
    mixed = Synonyms.from_groups([["yg", "yang"]])  # the stopword form goes, the word stays
    (concept,) = ranking.concepts("yg", mixed)
    assert (concept.text, concept.synonyms) == ("yg", ())
