"""Editors' rules without a node: document contract, validation, versions, cache, clauses."""

from __future__ import annotations

import json

import pytest
from cariberita.rules import service, steering
from cariberita.rules.cache import RulesCache
from cariberita.rules.compiled import NO_RULES, Rules, query_key
from cariberita.rules.model import RulesDocument, RulesRejected, parse
from cariberita.rules.store import InMemoryRulesStore
from cariberita.rules.validation import MAX_MERGED_FORMS
from cariberita.search import query
from cariberita.search.params import SearchParams

GOOD = {
    "synonyms": [["pilkada", "pemilihan kepala daerah"], ["jateng", "jawa tengah"]],
    "pins": [{"query": "Gempa", "ids": ["u-1", "u-2"]}],
    "hides": [{"query": "nama tertentu", "ids": ["u-9"]}],
    "categories": {"Celebrity": "Selebriti", "SELEBRITI": "Selebriti"},
}


def none_missing(ids):
    return set()


def rejected(data, missing=none_missing) -> list[str]:
    with pytest.raises(RulesRejected) as info:
        service.check(data, missing)
    return info.value.problems


def test_a_good_document_is_valid_and_counted():
    assert service.check(json.dumps(GOOD), none_missing).counts() == {
        "synonyms": 2,
        "pins": 1,
        "hides": 1,
        "categories": 2,
    }


@pytest.mark.parametrize(
    ("document", "named"),
    [
        ({"synonym": []}, "synonym: unknown key"),
        ({"pins": [{"query": "a", "ids": ["u-1"], "boost": 5}]}, "pins[0].boost: unknown key"),
        ({"pins": [{"query": 5, "ids": ["u-1"]}]}, "pins[0].query"),
        ({"pins": [{"query": "a", "ids": ['"}}, {"match_all']}]}, "not an article id"),
        ({"hides": [{"query": {"match_all": {}}, "ids": ["u-1"]}]}, "hides[0].query"),
        ({"synonyms": [["satu"]]}, "synonyms[0]"),
        ({"categories": {"Bola": 3}}, "categories.Bola"),
        ({"pins": [{"query": "x" * 201, "ids": ["u-1"]}]}, "pins[0].query"),
        ({"pins": [{"query": "a", "ids": [f"u-{i}" for i in range(11)]}]}, "pins[0].ids"),
    ],
)
def test_a_bad_document_is_rejected_naming_the_problem(document, named):
    assert any(named in p for p in rejected(document)), rejected(document)


def test_every_problem_is_named_not_only_the_first():
    problems = rejected({"synonyms": [["a"]], "oops": 1, "pins": [{"query": "", "ids": []}]})
    assert len(problems) >= 3


def test_not_json_is_rejected():
    assert "not valid JSON" in rejected(b"{synonyms: [}")[0]


def test_a_pin_to_an_article_that_does_not_exist_is_rejected():
    asked = []

    def missing(ids):
        asked.append(list(ids))
        return {"u-2"}

    problems = rejected(GOOD, missing)
    assert problems == ["pins[0]: article 'u-2' does not exist"]
    assert asked == [["u-1", "u-2"]]  # one check for every pinned id


def test_a_synonym_chain_that_merges_too_many_forms_is_rejected():
    chain = [[f"kata{i}", f"kata{i + 1}"] for i in range(MAX_MERGED_FORMS + 2)]
    assert any("end up equivalent" in p for p in rejected({"synonyms": chain}))
    assert service.check({"synonyms": chain[:5]}, none_missing)


def test_the_same_query_pinned_twice_after_normalisation_is_rejected():
    pins = [{"query": "Gempa  Bumi", "ids": ["u-1"]}, {"query": "gempa bumi", "ids": ["u-2"]}]
    assert any("already in pins[0]" in p for p in rejected({"pins": pins}))


def test_an_article_pinned_and_hidden_for_one_query_is_rejected():
    document = {"pins": [{"query": "a", "ids": ["u-1"]}], "hides": [{"query": "A", "ids": ["u-1"]}]}
    assert any("both pinned and hidden" in p for p in rejected(document))


def test_a_category_mapping_chain_is_rejected():
    document = {"categories": {"Celebrity": "Selebriti", "Selebriti": "Hiburan"}}
    assert any("no chains" in p for p in rejected(document))


@pytest.mark.parametrize(
    "categories",
    [
        {"Celebrity": "Selebriti", "Celebrity ": "Hiburan"},
        {"Celebrity": "Selebriti", " Celebrity": "Selebriti"},
        {"Celebrity": "Selebriti", "celebrity\u00a0": "Hiburan"},
        {"Celebrity": "Selebriti", "CELEBRITY": "Hiburan"},
    ],
)
def test_two_sources_that_are_one_category_after_normalisation_are_refused(categories):
    problems = rejected({"categories": categories})
    assert any("are the same category" in p for p in problems), problems


@pytest.mark.parametrize("label", ["\u200b", "   ", "\u00a0\u200b\u2060", "\ufeff"])
def test_a_category_mapped_to_a_label_empty_after_normalisation_is_refused(label):
    problems = rejected({"categories": {"Sports": "Bola", "Celebrity": label}})
    assert problems == [
        f"categories: 'Celebrity' is mapped to {label!r}, which is empty after normalisation"
    ]


def test_a_source_label_empty_after_normalisation_is_refused():
    problems = rejected({"categories": {"\u200b": "Bola"}})
    assert problems == ["categories: the source '\\u200b' is empty after normalisation"]


def test_queries_match_after_the_search_normalisation():
    assert query_key("  GÉMPA\u00a0 Cianjur ") == query_key("gempa cianjur") == "gempa cianjur"
    rules = Rules(parse(GOOD), 1)
    assert rules.pinned("GEMPA") == ("u-1", "u-2")
    assert rules.hidden("Nama  Tertentu") == ("u-9",)
    assert rules.pinned("gempa bumi") == ()


# --- versions -------------------------------------------------------------------------------


def test_apply_writes_the_next_version_and_makes_it_current():
    store = InMemoryRulesStore()
    first = service.apply(store, GOOD, "s3://b/rules/a.json", none_missing)
    second = service.apply(store, {"synonyms": GOOD["synonyms"]}, "cli:ana", none_missing)
    assert (first.entry.version, second.entry.version) == (1, 2)
    assert store.current().version == 2
    assert store.current().applied_by == "cli:ana"
    assert [h["version"] for h in service.history(store)] == [2, 1]


def test_a_rejected_document_leaves_the_rules_in_force_unchanged():
    store = InMemoryRulesStore()
    service.apply(store, GOOD, "cli:ana", none_missing)
    with pytest.raises(RulesRejected):
        service.apply(store, {"pins": [{"query": "a", "ids": ["u-7"]}]}, "x", lambda ids: {"u-7"})
    assert store.current().version == 1
    assert store.latest_version() == 1


def test_rollback_restores_an_earlier_version_as_a_new_history_entry():
    store = InMemoryRulesStore()
    service.apply(store, GOOD, "cli:ana", none_missing)
    service.apply(store, {}, "cli:ana", none_missing)
    back = service.rollback(store, 1, "cli:budi")
    assert back.entry.version == 3
    assert back.entry.rolled_back_to == 1
    assert store.current().rules == store.version(1).rules
    with pytest.raises(RulesRejected):
        service.rollback(store, 99, "cli:budi")


# --- the per-container cache ----------------------------------------------------------------


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_the_cache_reads_the_store_once_per_ttl_and_sees_a_new_version_within_it():
    store, clock = InMemoryRulesStore(), Clock()
    cache = RulesCache(store, ttl_s=30, clock=clock)
    assert cache.get() is NO_RULES
    service.apply(store, GOOD, "cli:ana", none_missing)
    for _ in range(100):
        assert cache.get() is NO_RULES  # still within the TTL: no read
    assert store.reads == 1
    clock.now += 30
    assert cache.get().version == 1
    assert store.reads == 2
    assert cache.get().pinned("gempa") == ("u-1", "u-2")


def test_the_cache_keeps_the_last_rules_when_the_store_fails():
    store, clock = InMemoryRulesStore(), Clock()
    service.apply(store, GOOD, "cli:ana", none_missing)
    cache = RulesCache(store, ttl_s=30, clock=clock)
    assert cache.get().version == 1
    store.fail = True
    clock.now += 31
    assert cache.get().version == 1


# --- clauses --------------------------------------------------------------------------------


def body(q: str, rules: Rules, **params) -> dict:
    return query.search_body(SearchParams.from_query(q=q, **params), 1000, rules=rules)


def test_pins_come_first_in_order_through_constant_scores_inside_the_filtered_bool():
    rules = Rules(parse(GOOD), 1)
    scoring = body("gempa", rules)["query"]["bool"]["must"][0]
    boosts = [c["constant_score"]["boost"] for c in scoring["bool"]["should"][1:]]
    ids = [c["constant_score"]["filter"]["ids"]["values"] for c in scoring["bool"]["should"][1:]]
    assert ids == [["u-1"], ["u-2"]]
    assert boosts == [2 * steering.PIN_BOOST, steering.PIN_BOOST]
    assert scoring["bool"]["minimum_should_match"] == 1


def test_pins_leave_date_order_alone():
    rules = Rules(parse(GOOD), 1)
    assert "constant_score" not in json.dumps(body("gempa", rules, sort="newest"))


def test_hidden_articles_are_excluded_from_the_query_and_from_suggestions():
    rules = Rules(parse(GOOD), 1)
    assert body("nama tertentu", rules)["query"]["bool"]["must_not"] == [
        {"ids": {"values": ["u-9"]}}
    ]
    assert "must_not" not in body("nama lain", rules)["query"]["bool"]
    suggest = steering.suggestions({"query": {"bool": {"should": []}}}, "nama ter", rules)
    assert suggest["query"]["bool"]["must_not"] == [{"ids": {"values": ["u-9"]}}]


def test_a_site_category_filter_also_matches_the_labels_mapped_to_it():
    rules = Rules(parse(GOOD), 1)
    text = json.dumps(body("gempa", rules, category=["Selebriti"]))
    assert '"category": ["selebriti", "celebrity"]' in text
    assert steering.SITE_AGG in text


def test_editors_synonyms_reach_the_text_query():
    rules = Rules(parse({"synonyms": [["kopdar", "kopi darat"]]}), 1)
    assert "kopi darat" in json.dumps(body("kopdar jakarta", rules))
    assert "kopi darat" not in json.dumps(body("kopdar jakarta", NO_RULES))
    assert "jawa tengah" in json.dumps(body("jateng", rules))  # the shipped lists stay


def test_no_rules_change_nothing():
    params = SearchParams.from_query(q="gempa")
    assert query.search_body(params, 1000, rules=NO_RULES) == query.search_body(params, 1000)


def test_merge_facets_folds_mapped_labels_into_the_site_category():
    from cariberita.search.schemas import CategoryCount

    rules = Rules(parse(GOOD), 1)
    shaped = [
        CategoryCount(value="celebrity", label="Celebrity", count=4),
        CategoryCount(value="bola", label="Bola", count=3),
    ]
    aggs = {"categories": {}, "site_categories": {"buckets": {"selebriti": {"doc_count": 5}}}}
    merged = steering.merge_facets(shaped, aggs, rules)
    assert [(c.value, c.label, c.count) for c in merged] == [
        ("selebriti", "Selebriti", 5),
        ("bola", "Bola", 3),
    ]


def test_rules_document_default_is_empty():
    assert Rules(RulesDocument()).empty


def test_a_deeply_nested_document_is_a_clear_rejection_not_a_crash():
    deep = '{"pins": ' + "[" * 50_000 + "]" * 50_000 + "}"
    with pytest.raises(RulesRejected, match="nested too deeply"):
        service.check(deep, None)


def test_a_key_repeated_in_one_object_is_refused_not_silently_last_wins():
    with pytest.raises(RulesRejected, match="appears twice"):
        parse('{"pins": [{"query": "banjir", "ids": ["a"]}], "pins": []}')
