"""/suggest on the real node: titles the typed prefix leads to come before a whole word that the
prefix misspells (search/suggest.py, ``WHOLE_WORD_WEIGHT``). A reader typing ``kapol`` is on
the way to Kapolri or Kapolda, not to ``kapal``, one edit away."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.relevance import systems
from tests.relevance.api import suggest_titles
from tests.support.small_index import index_articles

pytestmark = pytest.mark.filterwarnings("ignore:No application metrics")

# Our own titles. A short title holding the rare "kapal" scores high as a whole word; one
# title leads on from "kapol".
ARTICLES = {
    "kapal-1": ("Kapal Tenggelam", "Sebuah kapal tenggelam di perairan Maluku."),
    "kapolda": ("Kapolda Jatim Tinjau Lokasi Banjir", "Kapolda meninjau lokasi banjir."),
    "menko": ("Menko Bahas Ekspor", "Menko membahas ekspor."),
    "menpora": ("Menpora Buka Pekan Olahraga", "Menpora membuka pekan olahraga nasional."),
    # Other news, so that "kapal" and "menko" are rare words, as they are in an archive.
    **{f"lain-{n}": (f"Pasar Murah Hari {n}", "Warga antre sembako murah.") for n in range(300)},
}


@pytest.fixture(scope="module", autouse=True)
def suggest_index(os_client, index_alias, settings) -> Iterator[str]:
    index_articles(os_client, index_alias, ARTICLES)
    with systems.handler_env(settings.opensearch_endpoint, index_alias):
        yield index_alias


@pytest.mark.parametrize(("q", "first"), [("kapol", "Kapolda"), ("menpo", "Menpora")])
def test_the_prefix_leads_before_a_near_miss_whole_word(q, first):
    titles = suggest_titles(q)
    assert titles[0].startswith(first), titles


def test_a_typo_in_a_whole_word_still_finds_itssuggest_titles():
    assert any(t.startswith("Kapal") for t in suggest_titles("kapak tenggelam"))
