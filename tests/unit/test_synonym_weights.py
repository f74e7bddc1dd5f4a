"""Form weights: an equivalent form weighs what the reader's own words weigh.

Without them a form scored its own rarity: for a reader who typed ``jaktim`` or ``jakarta timur``
alike, an article writing the rare ``jaktim`` outscored one writing the common ``jakarta timur``.
What the weights do to ranking is measured on the real node by the known-item suite.
"""

from __future__ import annotations

import pytest
from cariberita.index import form_weights
from cariberita.index.form_weights import ArchiveWeights
from cariberita.rules import service
from cariberita.rules.cache import RulesCache
from cariberita.rules.compiled import NO_RULES
from cariberita.rules.store import InMemoryRulesStore
from cariberita.search import ranking, synonyms
from cariberita.search.synonyms import Synonyms, shipped

TABLE = Synonyms.from_lines(["jaktim, jakarta timur", "dinsos, dinas sosial"]).weighed(
    {"jaktim": 8.0, "jakarta timur": 2.0, "dinsos": 6.0}
)


def _boosts(q: str, synonyms: Synonyms) -> dict[str, float]:
    """Each form's boost in the scoring query, with _form's division by its words undone."""
    clause = ranking.concept_query(ranking.concepts(q, synonyms)[0], fuzzy=False)
    forms = clause["dis_max"]["queries"]
    return {
        f["multi_match"]["query"]: f["multi_match"].get("boost", 1.0)
        * len(f["multi_match"]["query"].split())
        for f in forms
    }


def test_a_common_form_of_a_rare_word_the_reader_typed_is_scaled_up():
    assert _boosts("jaktim", TABLE)["jakarta timur"] == ranking.SYNONYM_WEIGHT * 4.0


def test_a_rare_form_of_common_words_the_reader_typed_is_scaled_down():
    assert _boosts("jakarta timur", TABLE)["jaktim"] == ranking.SYNONYM_WEIGHT * 0.25


def test_the_readers_own_words_are_not_scaled():
    assert _boosts("jaktim", TABLE)["jaktim"] == 1.0


def test_a_form_without_a_weight_keeps_the_plain_synonym_weight():
    # An editor's group, or a list line added since the weights were generated.
    assert _boosts("dinsos", TABLE)["dinas sosial"] == ranking.SYNONYM_WEIGHT
    assert _boosts("dinsos", Synonyms.from_lines(["dinsos, dinas sosial"]))["dinas sosial"] == (
        ranking.SYNONYM_WEIGHT
    )


def test_an_editors_group_keeps_the_shipped_weights():
    editors = Synonyms.from_lines(["pemkot, pemerintah kota"])
    merged = TABLE.union(editors)
    assert merged.ratio(("jaktim",), "jakarta timur") == 4.0
    assert merged.ratio(("pemkot",), "pemerintah kota") == 1.0


def test_the_ratio_is_rounded_so_equal_queries_stay_equal_requests():
    table = Synonyms.from_lines(["a1, b1"]).weighed({"a1": 1.0, "b1": 3.0})
    assert table.ratio(("a1",), "b1") == 0.33


def test_every_shipped_form_has_a_weight_and_every_weight_a_form():
    # Rerun tools/scripts/gen-form-weights.py against the corpus index after changing a list.
    table = shipped()
    forms = {form for group in table.groups() for form in group}
    assert forms - set(table.weights) == set(), "forms without a weight"
    assert set(table.weights) - forms == set(), "weights of forms no list has"
    assert all(0 < weight < 20 for weight in table.weights.values())


# --- the archive's own weights (cariberita-admin synonyms weigh) -------------------------------


class _Clock:
    now = 0.0

    def __call__(self) -> float:
        return self.now


def _archive(**weights: float) -> ArchiveWeights:
    return ArchiveWeights(5_000, "2026-12-03T00:00:00+00:00", weights)


def test_the_archives_weight_of_a_form_replaces_the_reference_archives():
    shipped_ratio = shipped().ratio(("jaktim",), "jakarta timur")
    rules = NO_RULES.with_weights(_archive(jaktim=4.0, **{"jakarta timur": 2.0}))
    assert rules.synonyms.ratio(("jaktim",), "jakarta timur") == 2.0 != shipped_ratio
    # every other form keeps the reference weight
    assert rules.synonyms.ratio(("dinsos",), "dinas sosial") == shipped().ratio(
        ("dinsos",), "dinas sosial"
    )


def test_an_editors_synonym_is_weighed_by_the_archive():
    store = InMemoryRulesStore()
    service.apply(store, b'{"synonyms": [["pemkot bgr", "pemkot bogor"]]}', "cli:ana", lambda i: [])
    store.weights = _archive(**{"pemkot bgr": 9.0, "pemkot bogor": 3.0})
    rules = RulesCache(store, weights=store).get()
    assert rules.synonyms.ratio(("pemkot", "bgr"), "pemkot bogor") == 3.0


def test_the_cache_reads_the_weights_once_per_their_ttl_and_keeps_them_when_the_store_fails():
    store, clock = InMemoryRulesStore(), _Clock()
    cache = RulesCache(store, ttl_s=30, clock=clock, weights=store, weights_ttl_s=600)
    assert cache.get().weights is None
    store.weights = _archive(jaktim=4.0)
    clock.now = 31  # the rules are read again, the weights not yet
    assert cache.get().weights is None
    assert store.weight_reads == 1
    clock.now = 601
    first = cache.get()
    assert first.weights == store.weights
    clock.now = 700  # unchanged weights: the same compiled rules (synonyms compiled once)
    assert cache.get() is first
    clock.now = 1300
    store.fail = True
    assert cache.get().weights == _archive(jaktim=4.0)


def test_without_a_weights_store_the_cache_reads_only_the_rules():
    store = InMemoryRulesStore(weights=_archive(jaktim=4.0))
    assert RulesCache(store).get().weights is None
    assert store.weight_reads == 0


class _Node:
    """``_mtermvectors`` as the node answers it, from a table of document frequencies."""

    def __init__(self, articles: int, frequencies: dict[str, dict[str, int]]) -> None:
        self.articles, self.frequencies = articles, frequencies

    def mtermvectors(self, index: str, body: dict) -> dict:
        docs = []
        for doc in body["docs"]:
            terms = self.frequencies.get(doc["doc"]["body"], {})
            vectors = {
                "field_statistics": {"doc_count": self.articles},
                "terms": {t: {"doc_freq": df, "term_freq": 1} for t, df in terms.items()},
            }
            docs.append({"found": True, "term_vectors": {"body": vectors} if terms else {}})
        return {"docs": docs}


def test_a_form_weighs_the_mean_idf_of_its_words():
    node = _Node(
        10_000, {"jaktim": {"jaktim": 10}, "jakarta timur": {"jakarta": 4_000, "timur": 900}}
    )
    counted = form_weights.weigh(node, "articles", ["jaktim", "jakarta timur", "yang"], batch=2)
    assert counted.articles == 10_000
    assert counted.weights["jaktim"] == round(form_weights.idf(10_000, 10), 2)
    expected = (form_weights.idf(10_000, 4_000) + form_weights.idf(10_000, 900)) / 2
    assert counted.weights["jakarta timur"] == round(expected, 2)
    assert "yang" not in counted.weights  # a stopword analyses to nothing


def test_a_small_archive_is_not_weighed():
    with pytest.raises(form_weights.TooFewArticles):
        form_weights.weigh(_Node(300, {"jaktim": {"jaktim": 2}}), "articles", ["jaktim"])


def test_stored_weights_read_back_and_odd_values_are_dropped():
    weights = _archive(jaktim=8.12)
    assert ArchiveWeights.from_dict(weights.as_dict()) == weights
    odd = {"articles": 5_000, "weights": {"a": "x", "b": -1, "c": 1e9, "d": 2.5}}
    assert ArchiveWeights.from_dict(odd).weights == {"d": 2.5}


# --- found by a review of the search side (2026-12-03) ----------------------------------------


def test_a_stored_weight_near_zero_is_dropped_and_a_ratio_stays_within_its_bounds():
    # 9.0 / 1e-300 overflowed the node's boost: every search with the form answered 500.
    stored = ArchiveWeights.from_dict({"weights": {"jaktim": 9.0, "jakarta timur": 1e-300}})
    assert stored.weights == {"jaktim": 9.0}
    table = TABLE.weighed({"jaktim": 9.0, "jakarta timur": 0.02})
    low, high = synonyms.RATIO_BOUNDS
    assert table.ratio(("jaktim",), "jakarta timur") == high
    assert table.ratio(("jakarta", "timur"), "jaktim") == low


def test_every_shipped_ratio_lies_inside_the_bounds():
    table = shipped()
    low, high = synonyms.RATIO_BOUNDS
    ratios = [table.ratio(tuple(f.split()), o) for g in table.groups() for f in g for o in g]
    assert low < min(ratios) and max(ratios) < high
