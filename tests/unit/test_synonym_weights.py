"""Form weights: an equivalent form weighs what the reader's own words weigh.

Without them a form scored its own rarity: for a reader who typed ``jaktim`` or ``jakarta timur``
alike, an article writing the rare ``jaktim`` outscored one writing the common ``jakarta timur``.
What the weights do to ranking is measured on the real node by the known-item suite.
"""

from __future__ import annotations

from cariberita.search import ranking
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
