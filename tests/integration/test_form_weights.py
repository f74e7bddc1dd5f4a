"""The archive's own form weights on the real node: counted by the node's analysis, stored beside
the rules (also in a rules index created before they existed), and read by a running container.

Ranking with the shipped reference weights is measured by the known-item suite on the corpus.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from cariberita import admin
from cariberita.index import form_weights
from cariberita.rules.cache import RulesCache
from cariberita.rules.opensearch_store import MAPPING, OpenSearchRulesStore, rules_index
from opensearchpy import helpers

ARTICLES = 1_200
RARE, COMMON = 12, 400  # articles writing "Jaktim", articles writing "Jakarta Timur"


@pytest.fixture(scope="module")
def archive(os_client, index_alias) -> Iterator[str]:
    def body(i: int) -> str:
        where = "Jaktim" if i < RARE else "Jakarta Timur" if i < RARE + COMMON else "Bandung"
        return f"Banjir merendam permukiman warga di {where} sejak pagi, nomor {i}."

    def source(i: int) -> dict[str, str]:
        return {"id": f"w-{i}", "title": "Banjir", "body": body(i)}

    actions = (
        {"_index": index_alias, "_id": f"w-{i}", "_source": source(i)} for i in range(ARTICLES)
    )
    helpers.bulk(os_client, actions, refresh=True)
    yield index_alias
    os_client.indices.delete(index=rules_index(index_alias), ignore_unavailable=True)


def test_the_node_counts_each_forms_words_as_it_analyses_the_body(os_client, archive):
    counted = form_weights.weigh(os_client, archive, ["jaktim", "jakarta timur", "yang"])
    assert counted.articles == ARTICLES
    assert counted.weights["jaktim"] == round(form_weights.idf(ARTICLES, RARE), 2)
    # both words are in the same COMMON articles
    assert counted.weights["jakarta timur"] == round(form_weights.idf(ARTICLES, COMMON), 2)
    assert "yang" not in counted.weights  # a stopword: nothing left after analysis


def test_weights_are_stored_in_a_rules_index_made_before_they_existed(os_client, archive):
    index = rules_index(archive)
    added = ("articles", "computed_at", "weights")
    before = {k: v for k, v in MAPPING["properties"].items() if k not in added}
    old = {**MAPPING, "properties": before}
    os_client.indices.create(index=index, body={"mappings": old})
    store = OpenSearchRulesStore(os_client, archive)
    assert store.form_weights() is None
    counted = form_weights.weigh(os_client, archive, ["jaktim", "jakarta timur"])
    store.save_form_weights(counted)
    assert store.form_weights() == counted

    cache = RulesCache(store, weights=store)  # what the search function builds
    rules = cache.get()
    assert rules.weights == counted
    ratio = rules.synonyms.ratio(("jaktim",), "jakarta timur")
    assert ratio == round(counted.weights["jaktim"] / counted.weights["jakarta timur"], 2)
    assert store.current() is None  # the weights are not a rules version


def test_the_admin_command_weighs_every_synonym_form_in_the_archive(os_client, archive, capsys):
    assert admin.weigh_synonyms(os_client, archive) == 0
    stored = OpenSearchRulesStore(os_client, archive).form_weights()
    assert stored is not None and stored.articles == ARTICLES
    assert stored.weights["jaktim"] > stored.weights["jakarta timur"]
    assert '"articles": 1200' in capsys.readouterr().out


def test_the_admin_command_leaves_a_small_archive_to_the_reference_weights(
    os_client, fresh_index_alias, capsys
):
    os_client.index(index=fresh_index_alias, body={"id": "a", "title": "T", "body": "Jaktim"})
    os_client.indices.refresh(index=fresh_index_alias)
    assert admin.weigh_synonyms(os_client, fresh_index_alias) == 1
    assert "reference weights stay in force" in capsys.readouterr().err
    assert OpenSearchRulesStore(os_client, fresh_index_alias).form_weights() is None
