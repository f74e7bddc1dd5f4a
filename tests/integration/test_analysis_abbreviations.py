"""The abbreviation lists on a real node: every line parses with ``lenient: false`` (the
articles index uses ``lenient: true``, which would hide a bad line), the search analyzer expands
abbreviations both ways, and a query of wide abbreviations stays under the clause limit."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from cariberita.index.analysis import abbreviation_rules
from cariberita.search.ranking import text_query

from tests.support.names import unique_name


@pytest.fixture
def strict_index(os_client) -> Iterator[str]:
    name = unique_name("t-abbr-strict")
    yield name
    os_client.indices.delete(index=name, ignore_unavailable=True)


def test_every_abbreviation_line_parses_without_lenience(os_client, strict_index):
    # Creation fails with a parse error naming the bad rule if any line does not parse.
    analysis = {
        "filter": {
            "strict": {
                "type": "synonym_graph",
                "synonyms": abbreviation_rules(),
                "expand": True,
                "lenient": False,
            }
        },
        "analyzer": {
            "strict": {
                "type": "custom",
                "tokenizer": "standard",
                "filter": ["lowercase", "asciifolding", "strict"],
            }
        },
    }
    body = {"settings": {"number_of_replicas": 0, "analysis": analysis}}
    assert os_client.indices.create(index=strict_index, body=body)["acknowledged"]


def search_terms(os_client, index: str, text: str) -> set[str]:
    body = {"analyzer": "id_news_search", "text": text}
    return {token["token"] for token in os_client.indices.analyze(index=index, body=body)["tokens"]}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("dinsos jateng", {"dinsos", "dinas", "sosial", "jateng", "jawa", "tengah"}),
        ("pemerintah kota blitar", {"pemkot", "pemerintah", "kota", "blitar"}),
        ("kapolres", {"kapolres", "kepala", "kepolisian", "resor"}),
        ("joko widodo", {"jokowi", "joko", "widodo"}),
        ("bansos", {"bansos", "bantu", "sosial"}),
        ("AS", {"as", "amerika", "serikat"}),
        ("kasat reskrim", {"kasatreskrim", "kasat", "reskrim"}),
    ],
)
def test_search_analyzer_expands_abbreviations_both_ways(os_client, index_alias, query, expected):
    assert search_terms(os_client, index_alias, query) == expected


def test_a_word_that_is_not_listed_is_left_alone(os_client, index_alias):
    # "dia" is a stopword and "solo" was left out on purpose (album solo, konser solo).
    assert search_terms(os_client, index_alias, "solo") == {"solo"}


def test_six_abbreviations_in_one_query_stay_under_the_clause_limit(os_client, index_alias):
    # The ranking's phrase boost enumerates one phrase per path through the synonym graph.
    query = text_query("dinsos jateng kapolres ahok sumut pdip")
    assert os_client.search(index=index_alias, body={"query": query})["timed_out"] is False
