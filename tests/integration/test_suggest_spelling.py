"""Did-you-mean on the real node corrects only a word that no field of the index holds: a rare
word is not turned into a commoner neighbour, whether bodies or only titles hold it, and a typo
still gets its spelling, but only one that finds an article within the request's filters
(search/suggest.py, ``spelling_section``; its ``collate`` needs the lang-mustache module)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.relevance.api import env, search
from tests.relevance.corpus import load

pytestmark = pytest.mark.filterwarnings("ignore:No application metrics")

COMMON = 12  # articles holding each common neighbour: many more than the rare word


def _article(
    n: int, title: str, body: str, category: str = "BERITA UTAMA / PERISTIWA"
) -> dict[str, Any]:
    return {
        "id": f"uji-ejaan-{n}",
        "title": title,
        "body": body,
        "category": category,
        "published_at": f"2024-05-{1 + n % 28:02d}T08:00:00+07:00",
        "publisher": "kompas.com",
    }


def _records() -> Iterator[dict[str, Any]]:
    filler = "Warga berkumpul di balai desa untuk mendengar penjelasan petugas. " * 2
    # Rare words, each in one article: ``pemkot`` in a body, ``nobatkan`` in a title only.
    yield _article(0, "Rapat warga di balai kota", f"Pemkot menggelar rapat warga. {filler}")
    yield _article(1, "Bupati nobatkan duta wisata", f"Duta wisata dipilih juri. {filler}")
    for n in range(COMMON):
        # Their neighbours, one or two edits away, in many bodies; and a town in titles and bodies.
        body = f"Asap pekat menyelimuti Mojokerto. Warga niatkan bergotong royong. {filler}"
        yield _article(10 + n, f"Kabar dari Mojokerto hari ke-{n}", body)
    # Sport holds no Mojokerto: a spelling that finds nothing there is not offered there.
    sport = f"Tim voli putri menang di final. {filler}"
    yield _article(2, "Tim voli putri juara", sport, "Olahraga")


@pytest.fixture(scope="module", autouse=True)
def spelling_index(os_client, index_alias, settings) -> Iterator[str]:
    load(os_client, index_alias, _records(), "tests/integration/test_suggest_spelling.py")
    with pytest.MonkeyPatch.context() as mp:
        for name, value in env(settings.opensearch_endpoint, index_alias).items():
            mp.setenv(name, value)
        yield index_alias


def _answer(q: str, **filters: Any) -> dict[str, Any]:
    reply = search(q=q, **filters)
    assert reply.status == 200, reply.body
    return reply.body


@pytest.mark.parametrize("q", ["pemkot", "nobatkan"], ids=["in-a-body", "in-a-title-only"])
def test_a_word_the_index_holds_is_never_corrected(q):
    body = _answer(q)
    assert body["total"]["value"] == 1  # few enough for a spelling to be offered
    assert body["did_you_mean"] is None


def test_a_word_no_field_holds_still_gets_its_spelling():
    body = _answer("nojokerto")
    assert body["total"]["value"] == 0
    assert body["did_you_mean"] == "mojokerto"


def test_a_spelling_is_offered_only_where_it_finds_an_article_within_the_filters():
    inside = _answer("nojokerto", category="berita utama")
    assert inside["total"]["value"] == 0
    assert inside["did_you_mean"] == "mojokerto"
    elsewhere = _answer("nojokerto", category="olahraga")
    assert elsewhere["total"]["value"] == 0
    assert elsewhere["did_you_mean"] is None
    # Category narrows results only (a post_filter); dates narrow the facets too (the query's).
    assert _answer("nojokerto", date_from="2024-01-01")["did_you_mean"] == "mojokerto"
    assert _answer("nojokerto", date_to="2023-12-31")["did_you_mean"] is None
