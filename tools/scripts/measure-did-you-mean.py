"""Measure did-you-mean on seeded typos: how often the suggester's top spelling is the words the
reader meant, with the filter check (``collate``) as shipped and without it.

Each case is two adjacent words of a corpus article's title, one of them (5+ letters) with one
letter replaced at random (seeded). The search body is the one the search function sends, with
its suggester (``search/suggest.py``); the top spelling is read as the service reads it, whatever
the number of hits (the service offers it only below 3). Then the same for the untouched pairs:
a spelling offered for words the index holds is a false correction. Nothing is written.

    ARTICLE_DATA_DIR=/work/shared/data PYTHONPATH=.:layers/shared \\
        .venv/bin/python tools/scripts/measure-did-you-mean.py <index or alias> [--cases 300]

The index must hold the corpus with the shipped mapping (``python -m bench.corpus_index <alias>``
with ``PYTHONPATH=.:tools``, or the relevance aid's ``relevance-tune-ours-*``) on a node with the
lang-mustache module.
"""

from __future__ import annotations

import argparse
import copy
import gzip
import json
import os
import random
import re
import string
from pathlib import Path
from typing import Any

from cariberita.search import query, suggest
from cariberita.search.params import SearchParams
from opensearchpy import OpenSearch

SEED = 20261204
WORDS = re.compile(r"[a-z]+")


def cases(data_dir: Path, count: int) -> list[tuple[str, str]]:
    """``(typed, meant)`` pairs: a title's two adjacent words, one with one letter replaced."""
    rng = random.Random(SEED)
    corpus = data_dir / "corpus" / "clickid-news.jsonl.gz"
    with gzip.open(corpus, "rt", encoding="utf-8") as f:
        titles = [json.loads(line).get("title", "") for line in f]
    out: list[tuple[str, str]] = []
    while len(out) < count:
        words = WORDS.findall(rng.choice(titles).lower())
        if len(words) < 3:
            continue
        start = rng.randrange(len(words) - 1)
        pair = words[start : start + 2]
        which = rng.randrange(2)
        word = pair[which]
        if len(word) < 5:
            continue
        at = rng.randrange(1, len(word))
        letter = rng.choice(string.ascii_lowercase.replace(word[at], ""))
        typed = [*pair]
        typed[which] = word[:at] + letter + word[at + 1 :]
        out.append((" ".join(typed), " ".join(pair)))
    return out


def top_spelling(client: OpenSearch, index: str, q: str, collate: bool) -> str | None:
    body = query.search_body(SearchParams.from_query(q=q), 5000)
    section = suggest.spelling_section(q, query.scope(body))
    if section is None:
        return None
    body["suggest"] = copy.deepcopy(section)
    if not collate:
        body = suggest.without_collate(body)
    response: dict[str, Any] = client.search(index=index, body=body)
    return suggest.top_spelling(response, q)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("index")
    parser.add_argument("--cases", type=int, default=300)
    args = parser.parse_args()
    data_dir = Path(os.environ.get("ARTICLE_DATA_DIR", "../shared/data"))
    client = OpenSearch(os.environ.get("OPENSEARCH_ENDPOINT", "http://127.0.0.1:9200"), timeout=60)
    seeded = cases(data_dir, args.cases)
    print(f"{len(seeded)} seeded typos (seed {SEED}), top spelling:")
    for collate in (True, False):
        right = offered = false = 0
        for typed, meant in seeded:
            spelling = top_spelling(client, args.index, typed, collate)
            offered += spelling is not None
            right += spelling == meant
            false += top_spelling(client, args.index, meant, collate) is not None
        label = "with the filter check" if collate else "without it"
        print(
            f"  {label:22s} right {right}, any {offered}; "
            f"a spelling for the untouched words: {false}"
        )


if __name__ == "__main__":
    main()
