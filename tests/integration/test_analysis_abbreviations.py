"""The abbreviation lists on a real node, as the search function applies them at query time:
both directions find the article, a multi-word expansion counts only as a unit, and a query of
the widest expansions stays under OpenSearch's clause limit."""

from __future__ import annotations

import pytest
from cariberita.search.ranking import text_query
from cariberita.search.synonyms import shipped

# Our own one-line articles: each holds one side of a listed pair.
from tests.support.small_index import found, index_bodies

ARTICLES = {
    "dinsos": "Dinas Sosial Jawa Tengah menyalurkan bantuan untuk korban banjir.",
    "kapolres": "Kepala Kepolisian Resor Bantul meninjau pos pengamanan mudik.",
    "jokowi": "Jokowi meresmikan bendungan baru di Nusa Tenggara Timur.",
    "bmkg": "Badan Meteorologi, Klimatologi, dan Geofisika memperingatkan gelombang tinggi.",
    "tersebar": "Sosial media dinas pariwisata Jawa Barat ramai dikunjungi.",
    "zidane": "Zidane memuji lini tengah timnya usai laga tandang.",
}


@pytest.fixture(scope="module")
def articles(os_client, index_alias):
    index_bodies(os_client, index_alias, ARTICLES)
    return index_alias


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("dinsos", {"dinsos"}),  # abbreviation in the query, expansion in the article
        ("dinas sosial", {"dinsos"}),  # a unit: "tersebar" has both words, apart
        ("jateng", {"dinsos"}),
        ("kapolres", {"kapolres"}),
        ("joko widodo", {"jokowi"}),
        ("bmkg", {"bmkg"}),  # a stopword inside the expansion
        ("zizou", {"zidane"}),  # the article names him by his surname alone
    ],
)
def test_listed_forms_find_each_other(os_client, articles, q, expected):
    assert found(os_client, articles, q) == expected


def test_the_widest_expansions_stay_under_the_clause_limit(os_client, articles):
    # 32 words (the longest query allowed), each one the form with the most equivalents.
    table = shipped()
    widest = sorted(table.groups(), key=len, reverse=True)[:32]
    q = " ".join(group[0].replace(" ", "") for group in widest)
    response = os_client.search(index=articles, body={"query": text_query(q, table)})
    assert response["timed_out"] is False
