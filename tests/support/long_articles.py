"""An index of the longest articles the contract allows, and the worst valid requests on it.

Shared by the per-request cost test (tests/integration/test_request_cost.py) and the hostile
load case (tests/reliability/test_hostile_load.py), so both measure the same inputs.
docs/reliability.md, "Bounded cost per request".
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from cariberita.articles import Article, to_document
from cariberita.articles.model import MAX_BODY_CHARS
from cariberita.search.params import (
    MAX_QUERY_CHARS,
    MAX_QUERY_WORDS,
    MAX_SIZE,
    MAX_SUGGEST_CHARS,
    MAX_SUGGEST_WORDS,
)
from cariberita.search.ranking import FUZZY_MAX_LETTERS, FUZZY_MAX_QUERY_CONCEPTS
from cariberita.search.suggest import FULL_FUZZY_CHARS
from opensearchpy import OpenSearch, helpers

LONG_ARTICLES = MAX_SIZE  # enough for a full page of the longest articles
NORMAL_ARTICLES = 60
LONG_BODY_CHARS = MAX_BODY_CHARS - 1_000  # just within the contract (articles/model.py)

# Our own Indonesian sentences; every long body repeats them, with a rare word at the very end.
SENTENCES = [
    "Banjir rob kembali merendam permukiman warga di pesisir utara kota.",
    "Petugas pemadam kebakaran mengevakuasi penghuni rumah yang terendam air.",
    "Pemerintah kota menyiapkan dapur umum dan posko kesehatan bagi pengungsi.",
    "Warga berharap tanggul laut segera diperbaiki sebelum musim hujan tiba.",
]
WORDS = sorted({w.strip(".,").lower() for s in SENTENCES for w in s.split()})


def long_body(n: int) -> str:
    paragraph = " ".join(SENTENCES)
    repeats = LONG_BODY_CHARS // (len(paragraph) + 2)
    body = "\n\n".join(paragraph for _ in range(repeats))
    return f"{body}\n\nAkhirnya ombak surut di dermaga {n} menjelang pagi."[:LONG_BODY_CHARS]


def records() -> Iterator[dict[str, Any]]:
    """The long articles (the newest, in "Berita Utama") and ordinary ones (older)."""
    for n in range(LONG_ARTICLES):
        yield {
            "id": f"panjang-{n}",
            "title": f"Banjir rob merendam pesisir, laporan panjang {n}",
            "body": long_body(n),
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


def index_long_articles(client: OpenSearch, alias: str) -> None:
    actions = (
        {"_index": alias, "_id": doc["id"], "_source": doc}
        for doc in (to_document(Article.model_validate(r), "tests") for r in records())
    )
    helpers.bulk(client, actions, chunk_size=5, max_chunk_bytes=8_000_000, request_timeout=120)
    client.indices.refresh(index=alias)


def fill(words: list[str], max_words: int, max_chars: int) -> str:
    """As many of ``words`` as fit in ``max_words`` words and ``max_chars`` characters."""
    out: list[str] = []
    for word in words:
        if len(out) == max_words or len(" ".join([*out, word])) > max_chars:
            break
        out.append(word)
    return " ".join(out)


# The worst valid inputs: the most words, each a word of the long articles (every one matches
# everywhere, the first six also fuzzily), the largest page, every result a long article.
WORST_QUERY = fill(WORDS * 4, MAX_QUERY_WORDS, MAX_QUERY_CHARS)
# Typos in as many concepts as keep typo tolerance (ranking), each in one of the longest words
# of the long articles (two edits from 10 letters): every long article matches each fuzzily.
TYPO_QUERY = " ".join(
    f"{w[:-1]}j" for w in sorted(WORDS, key=len, reverse=True)[:FUZZY_MAX_QUERY_CONCEPTS]
)
# The most fuzzy letters a query may have: as many concepts as keep typo tolerance, each as long
# as a fuzzy word may be (ranking), each with two edits; a two-edit automaton grows with its
# word. They match nothing, so only the query costs.
_GLUED = "".join(w for s in SENTENCES for w in s.lower().strip(".").split())
LONG_WORDS_QUERY = " ".join(
    _GLUED[i * FUZZY_MAX_LETTERS : (i + 1) * FUZZY_MAX_LETTERS]
    for i in range(FUZZY_MAX_QUERY_CONCEPTS)
)
# The longest suggest text: 10 words, up to 100 characters, each a prefix of long-article words.
WORST_SUGGEST = fill([w[:9] for w in WORDS * 2], MAX_SUGGEST_WORDS, MAX_SUGGEST_CHARS)
# The most letters a suggest text may have under two fuzzy edits each (suggest.FULL_FUZZY_CHARS):
# two long words, both fuzzed (the last as a prefix, and whole in the exact-title clause).
_HALF = (FULL_FUZZY_CHARS - 1) // 2
TWO_EDIT_SUGGEST = f"{_GLUED[:_HALF]} {_GLUED[_HALF : FULL_FUZZY_CHARS - 1]}"

# Query parameters of the typical and the worst requests per route, as a reader's page sends them.
TYPICAL_SEARCH: dict[str, Any] = {"q": "pasar malam", "size": 10}
WORST_SEARCH: dict[str, Any] = {"q": WORST_QUERY, "size": MAX_SIZE, "category": ["berita utama"]}
WORST_TYPO_SEARCH: dict[str, Any] = {**WORST_SEARCH, "q": TYPO_QUERY}
LONG_WORDS_SEARCH: dict[str, Any] = {"q": LONG_WORDS_QUERY, "size": MAX_SIZE}
# The newest articles are the long ones: a full page of them, no query to match.
WORST_LISTING: dict[str, Any] = {"size": MAX_SIZE, "sort": "newest"}
TYPICAL_SUGGEST: dict[str, Any] = {"q": "pasar"}
