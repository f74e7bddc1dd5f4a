"""/suggest on the real node lists a story once, copies from other publishers folded in, and
still as many titles as a request asks for (search/suggest.py, ``suggest_body``)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from cariberita.search.suggest import SUGGEST_SIZE

from tests.relevance.api import env, suggest_titles
from tests.relevance.corpus import SAMPLES, load

pytestmark = pytest.mark.filterwarnings("ignore:No application metrics")

COPIED = "Jembatan Gantung Gotong Royong Hubungkan Dua Desa di Lereng Gunung"
PLACES = ["Cempaka", "Melati", "Kenanga", "Anggrek", "Dahlia", "Mawar", "Teratai", "Kamboja"]


def _records() -> Iterator[dict[str, Any]]:
    # Our samples: one story at three publishers (COPIED), and other stories.
    with (SAMPLES / "batch-salinan.ndjson").open(encoding="utf-8") as handle:
        yield from (json.loads(line) for line in handle if line.strip())
    # More stories whose titles start alike, enough to fill a list of suggestions; longer than
    # COPIED, so that its copies rank first and would fill the list without a collapse.
    for n, place in enumerate(PLACES):
        yield {
            "id": f"uji-jembatan-{n}",
            "title": f"Jembatan Gantung Baru di Desa {place} Akhirnya Rampung Dibangun oleh "
            "Warga Setempat secara Swadaya",
            "body": f"Jembatan gantung di desa {place} selesai dibangun warga. " * 3,
            "category": "BERITA UTAMA / PERISTIWA",
            "published_at": f"2024-03-{1 + n:02d}T08:00:00+07:00",
            "publisher": "kompas.com",
        }


@pytest.fixture(scope="module", autouse=True)
def copies_index(os_client, index_alias, settings) -> Iterator[str]:
    load(os_client, index_alias, _records(), "tests/integration/test_suggest_one_per_story.py")
    with pytest.MonkeyPatch.context() as mp:
        for name, value in env(settings.opensearch_endpoint, index_alias).items():
            mp.setenv(name, value)
        yield index_alias


def test_a_copied_story_is_suggested_once():
    titles = suggest_titles("jembatan gantung gotong royong")
    assert titles.count(COPIED) == 1


def test_copies_take_no_place_from_other_stories():
    titles = suggest_titles("jembatan gantung")
    assert COPIED in titles
    assert len(titles) == len(set(titles)) == SUGGEST_SIZE
