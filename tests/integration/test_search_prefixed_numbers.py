"""A prefixed number finds its other spelling on the real node: readers type ``u16`` for a
title's ``U-16`` and the reverse (search/ranking.py, ``_spellings``)."""

from __future__ import annotations

import pytest
from cariberita.search import query
from cariberita.search.params import SearchParams

from tests.support.small_index import index_articles

ARTICLES = {
    "hubung": ("Timnas U-16 Menang Telak atas Brunei", "Skuad muda menang di Stadion Pakansari."),
    "sambung": ("Pelatih Timnas U19 Umumkan Skuad", "Daftar pemain diumumkan di Jakarta."),
    "lain": ("Bus Rute 16 Tambah Armada", "Bus jurusan Depok bertambah sepuluh unit."),
}


@pytest.fixture(scope="module")
def alias(os_client, index_alias: str) -> str:
    index_articles(os_client, index_alias, ARTICLES)
    return index_alias


def ids(os_client, alias: str, q: str) -> list[str]:
    body = query.search_body(SearchParams.from_query(q=q), 5_000)
    return [hit["_id"] for hit in os_client.search(index=alias, body=body)["hits"]["hits"]]


@pytest.mark.parametrize(
    ("q", "expected"),
    [("timnas u16", "hubung"), ("timnas u-19", "sambung"), ("u16 brunei", "hubung")],
)
def test_a_prefixed_number_finds_its_other_spelling_first(os_client, alias, q, expected):
    assert ids(os_client, alias, q)[:1] == [expected]


def test_the_number_alone_is_not_the_prefixed_number(os_client, alias):
    # "u16" is the phrase "u 16" in a hyphenated title, never any article with a 16.
    assert "lain" not in ids(os_client, alias, "u16")
