"""Every request has a bounded cost: the worst input within the contract costs at most
``MAX_RATIO`` times a typical one, per route, on the real node.

The index holds articles with 490,000-character bodies (the contract allows 500,000) next to
ordinary ones. Each request goes through the real search handler in-process; a figure is the
median of ``RUNS`` timings (after one warm-up), so a loaded machine moves both sides alike.
The ratios are written to test-artifacts/request-cost.json for docs/reliability.md.
"""

from __future__ import annotations

import json
import statistics
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from cariberita.articles import Article, to_document
from cariberita.search.params import (
    MAX_QUERY_CHARS,
    MAX_QUERY_WORDS,
    MAX_SIZE,
    MAX_SUGGEST_CHARS,
    MAX_SUGGEST_WORDS,
)
from opensearchpy import helpers

from tests.relevance.api import Reply, env, invoke, search
from tests.support.events import load_event

pytestmark = pytest.mark.filterwarnings("ignore:No application metrics")

MAX_RATIO = 5.0  # docs/reliability.md, "Bounded cost per request"
# Below this a typical request's time is mostly noise of the machine: ratios are taken to it.
FLOOR_MS = 10.0
RUNS = 7
LONG_ARTICLES = MAX_SIZE  # enough for a full page of the longest articles
NORMAL_ARTICLES = 60
LONG_BODY_CHARS = 490_000
ARTIFACT = Path(__file__).resolve().parents[2] / "test-artifacts" / "request-cost.json"
FIGURES: dict[str, dict[str, float]] = {}

# Our own Indonesian sentences; every long body repeats them, with a rare word at the very end.
SENTENCES = [
    "Banjir rob kembali merendam permukiman warga di pesisir utara kota.",
    "Petugas pemadam kebakaran mengevakuasi penghuni rumah yang terendam air.",
    "Pemerintah kota menyiapkan dapur umum dan posko kesehatan bagi pengungsi.",
    "Warga berharap tanggul laut segera diperbaiki sebelum musim hujan tiba.",
]
WORDS = sorted({w.strip(".,").lower() for s in SENTENCES for w in s.split()})


def _long_body(n: int) -> str:
    paragraph = " ".join(SENTENCES)
    repeats = LONG_BODY_CHARS // (len(paragraph) + 2)
    body = "\n\n".join(paragraph for _ in range(repeats))
    return f"{body}\n\nAkhirnya ombak surut di dermaga {n} menjelang pagi."[:LONG_BODY_CHARS]


def _records() -> Iterator[dict[str, Any]]:
    for n in range(LONG_ARTICLES):
        yield {
            "id": f"panjang-{n}",
            "title": f"Banjir rob merendam pesisir, laporan panjang {n}",
            "body": _long_body(n),
            "category": "Berita Utama / Daerah",
            "published_at": f"2024-03-{1 + n % 28:02d}T08:00:00+07:00",
            "author": "Redaksi Uji",
        }
    for n in range(NORMAL_ARTICLES):
        yield {
            "id": f"biasa-{n}",
            "title": f"Pasar malam kelurahan {n} ramai pengunjung",
            "body": f"Pasar malam di kelurahan {n} ramai. " + SENTENCES[n % len(SENTENCES)],
            "category": "Gaya Hidup",
            "published_at": f"2024-02-{1 + n % 28:02d}T19:00:00+07:00",
        }


@pytest.fixture(scope="module", autouse=True)
def search_index(os_client, index_alias, settings) -> Iterator[str]:
    actions = (
        {"_index": index_alias, "_id": doc["id"], "_source": doc}
        for doc in (to_document(Article.model_validate(r), "tests") for r in _records())
    )
    helpers.bulk(os_client, actions, chunk_size=5, max_chunk_bytes=8_000_000, request_timeout=120)
    os_client.indices.refresh(index=index_alias)
    with pytest.MonkeyPatch.context() as mp:
        for name, value in env(settings.opensearch_endpoint, index_alias).items():
            mp.setenv(name, value)
        # The deployed budget: one attempt per request (a timeout is not retried).
        mp.setenv("SEARCH_TIMEOUT_MS", "5000")
        yield index_alias
    if FIGURES:
        ARTIFACT.parent.mkdir(parents=True, exist_ok=True)
        ARTIFACT.write_text(json.dumps(FIGURES, indent=2, sort_keys=True) + "\n")


def _article(article_id: str) -> Reply:
    event = load_event("search-article.json")
    event["path"] = f"/articles/{article_id}"
    event["pathParameters"] = {"article_id": article_id}
    return invoke(event)


def _timed_ms(request: Callable[[], Reply]) -> float:
    started = time.perf_counter()
    reply = request()
    elapsed = (time.perf_counter() - started) * 1000
    assert reply.status == 200, reply.body
    return elapsed


def _medians_ms(*requests: Callable[[], Reply]) -> list[float]:
    """Median time of each request, measured in turns (so load on the machine hits all alike)."""
    for request in requests:
        _timed_ms(request)  # warm-up, and the check that it is a real answer
    timings: list[list[float]] = [[] for _ in requests]
    for _ in range(RUNS):
        for request, times in zip(requests, timings, strict=True):
            times.append(_timed_ms(request))
    return [statistics.median(times) for times in timings]


# The worst valid inputs: the most words, each a word of the long articles (every one matches
# everywhere, the first six also fuzzily), the largest page, every result a long article.
def _fill(words: list[str], max_words: int, max_chars: int) -> str:
    out: list[str] = []
    for word in words:
        if len(out) == max_words or len(" ".join([*out, word])) > max_chars:
            break
        out.append(word)
    return " ".join(out)


WORST_QUERY = _fill(WORDS * 4, MAX_QUERY_WORDS, MAX_QUERY_CHARS)
# The longest suggest text: 10 words, up to 100 characters, each a prefix of long-article words.
WORST_SUGGEST = _fill([w[:9] for w in WORDS * 2], MAX_SUGGEST_WORDS, MAX_SUGGEST_CHARS)

ROUTES: dict[str, tuple[Callable[[], Reply], Callable[[], Reply]]] = {
    "/search size=50": (
        lambda: search(q="pasar malam", size=10),
        lambda: search(q=WORST_QUERY, size=MAX_SIZE, category=["berita utama"]),
    ),
    "/search empty q": (
        lambda: search(),
        # The newest articles are the long ones: a full page of them, no query to match.
        lambda: search(size=MAX_SIZE, sort="newest"),
    ),
    "/suggest": (
        lambda: invoke("search-suggest", q="pasar"),
        lambda: invoke("search-suggest", q=WORST_SUGGEST),
    ),
    "/articles/{id}": (lambda: _article("biasa-1"), lambda: _article("panjang-1")),
    "/categories": (lambda: invoke("search-categories"), lambda: invoke("search-categories")),
}


def test_the_worst_search_really_is_a_page_of_the_longest_articles():
    reply = search(q=WORST_QUERY, size=MAX_SIZE, category=["berita utama"])
    assert reply.status == 200, reply.body
    assert len(reply.body["results"]) == MAX_SIZE
    assert all(r["id"].startswith("panjang-") for r in reply.body["results"])
    assert all("<mark>" in r["snippet_html"] for r in reply.body["results"])


def test_a_match_beyond_the_highlight_bound_is_found_and_shown_with_the_start():
    reply = search(q="dermaga", size=MAX_SIZE)
    assert reply.status == 200, reply.body
    assert {r["id"] for r in reply.body["results"]} == {f"panjang-{n}" for n in range(MAX_SIZE)}
    snippet = reply.body["results"][0]["snippet_html"]
    assert snippet.startswith("Banjir rob kembali") and "<mark>" not in snippet


# Not under MAX_RATIO yet (docs/reliability.md, "Bounded cost per request"). A hit's cost no
# longer grows with its body (stored fields and the bounded ``lead``: 51x -> 19-29x), but it
# grows with the query: the plain highlighter re-runs all 28 words over each of the 50 leads,
# and collapse runs the query again for each story's copies (``inner_hits``). Strict: the day
# it passes the mark must go. The others are within a few tenths of the bound, both ways from
# run to run (not strict).
OPEN = {
    "/search size=50": "19-29x: 28-word highlighting over 50 leads and inner_hits per story",
    "/search empty q": "5.0-5.7x: stored fields and copies of 50 long articles",
    "/suggest": "4.8-6.2x: 10 fuzzy bool_prefix words over three fields",
}
STRICT = {"/search size=50"}


@pytest.mark.parametrize(
    "route",
    [
        pytest.param(r, marks=pytest.mark.xfail(strict=r in STRICT, reason=OPEN[r]))
        if r in OPEN
        else r
        for r in ROUTES
    ],
)
def test_the_worst_valid_request_costs_at_most_max_ratio_times_a_typical_one(route):
    typical, worst = ROUTES[route]
    typical_ms, worst_ms = _medians_ms(typical, worst)
    ratio = worst_ms / max(typical_ms, FLOOR_MS)
    FIGURES[route] = {
        "typical_ms": round(typical_ms, 1),
        "worst_ms": round(worst_ms, 1),
        "ratio": round(ratio, 2),
    }
    print(f"{route}: typical {typical_ms:.0f} ms, worst {worst_ms:.0f} ms, ratio {ratio:.2f}")
    assert ratio <= MAX_RATIO, FIGURES[route]
