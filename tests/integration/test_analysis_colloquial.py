"""Colloquial verbs on a real node, as the search function applies the everyday-word lists
(wordlists/equivalents/cakapan.txt) at query time: the suffix -in and the prefix nge-, which the
analyzer does not know, find the affixed form news writes and its family."""

from __future__ import annotations

import pytest

# Our own one-line articles.
from tests.support.small_index import found, index_bodies

ARTICLES = {
    "dengar": "Pasangan yang mau mendengarkanmu membuat hubungan lebih sehat.",
    "bersih": "Relawan membersihkan sungai dari sampah plastik.",
    "antar": "Pengemudi ojek daring mengantar pesanan obat ke rumah sakit.",
    "tunggu": "Penumpang menunggu kereta selama dua jam di stasiun.",
    "bunuh": "Pelaku pembunuhan pedagang sayur ditangkap polisi.",
    "sihir": "Pertunjukan sihir memukau penonton festival.",
}


@pytest.fixture(scope="module")
def articles(os_client, index_alias):
    index_bodies(os_client, index_alias, ARTICLES)
    return index_alias


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("dengerin", {"dengar"}),  # -in for -kan; the article's -mu is the analyzer's
        ("bersihin", {"bersih"}),  # alone, the analyzer would stem it to "sihin"
        ("nganterin", {"antar"}),
        ("nungguin", {"tunggu"}),  # added to the line of "nunggu"
        ("ngebunuh", {"bunuh"}),  # the family: the article writes "pembunuhan"
    ],
)
def test_colloquial_verbs_find_the_written_form(os_client, articles, q, expected):
    assert found(os_client, articles, q) == expected
