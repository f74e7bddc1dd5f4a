"""Small searches: acronyms expand both ways at query time, and reduplicated words match.

Queries are the search function's own (``ranking.text_query``).
"""

from __future__ import annotations

import pytest

from tests.support.small_index import found, index_bodies

ARTICLES = {
    "kota": "Pemerintah kota Surabaya membuka layanan baru bagi warga.",
    "pemkot": "Pemkot Malang menutup jalan protokol selama perbaikan.",
    "bmkg": "Badan Meteorologi, Klimatologi, dan Geofisika memperingatkan hujan lebat.",
    "anak": "Anak-anak bermain di taman kota setelah sekolah.",
    "pusat": "Kota tua itu dikunjungi wisatawan; pemerintah pusat menambah anggaran.",
}


@pytest.fixture(scope="module")
def articles(os_client, index_alias):
    index_bodies(os_client, index_alias, ARTICLES)
    return index_alias


def test_acronym_finds_the_spelled_out_name(os_client, articles):
    assert found(os_client, articles, "pemkot") == {"kota", "pemkot"}


def test_spelled_out_name_finds_the_acronym(os_client, articles):
    # The expansion is matched as a unit: "pusat" has both words, but not as "pemerintah kota".
    assert found(os_client, articles, "pemerintah kota") == {"kota", "pemkot"}


def test_acronym_finds_a_long_name_with_a_stopword_inside(os_client, articles):
    assert found(os_client, articles, "BMKG") == {"bmkg"}


def test_base_word_finds_its_reduplication(os_client, articles):
    assert found(os_client, articles, "anak") == {"anak"}


def test_affixed_query_finds_another_form_of_the_family(os_client, articles):
    # "memperbaiki" (query) and "perbaikan" (article) share the root "baik".
    assert found(os_client, articles, "memperbaiki") == {"pemkot"}
