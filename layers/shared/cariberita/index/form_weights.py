"""How much each synonym form weighs in an archive: the mean BM25 IDF of its analysed words.

Ranking scales an equivalent form by the reader's form's weight over its own
(``search.synonyms.Synonyms.ratio``), so a concept weighs what the reader's words weigh whichever
form an article writes. The package ships the weights of a reference archive (the shared corpus:
``wordlists/form_weights_generated.txt``, from ``tools/scripts/gen-form-weights.py``);
``cariberita-admin synonyms weigh`` counts the newsroom's own archive and stores the result
beside the rules (``rules.opensearch_store``), which the search function then prefers, with
weights for the editors' synonyms too.

The node does the counting: each form goes as an artificial document to ``_mtermvectors``,
analysed as ``body`` is, and comes back with its words' document frequencies. The statistics
are a shard's; on an index of several shards each shard holds a random sample of the archive,
which is plenty for a ratio of frequencies.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

FIELD = "body"
BATCH = 200
# Below this many articles the frequencies say more about the few stories in them than about the
# language (``weigh`` refuses, and the shipped reference weights stay in force).
MIN_ARTICLES = 1_000
MIN_WEIGHT = 0.01
MAX_WEIGHT = 50.0


@dataclass(frozen=True)
class ArchiveWeights:
    """Form (folded, as the lists hold it) -> weight, counted on ``articles`` articles."""

    articles: int
    computed_at: str
    weights: Mapping[str, float]

    def as_dict(self) -> dict[str, Any]:
        return {
            "articles": self.articles,
            "computed_at": self.computed_at,
            "weights": dict(self.weights),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ArchiveWeights:
        raw = data.get("weights") or {}
        return cls(
            articles=int(data.get("articles") or 0),
            computed_at=str(data.get("computed_at") or ""),
            weights={str(k): float(v) for k, v in raw.items() if _usable(v)},
        )


class TooFewArticles(ValueError):
    """The archive is too small for its frequencies to weigh anything."""


def _usable(value: Any) -> bool:
    # What ``weigh`` writes: an IDF rounded to 0.01, below ln(1 + 2 * articles) (~30 for a
    # billion). Anything else in the stored document (edited by hand, another version) is
    # dropped: a weight near 0 made a ratio that overflowed the node's boost (a 500).
    return isinstance(value, int | float) and MIN_WEIGHT <= float(value) <= MAX_WEIGHT


def idf(articles: int, document_frequency: int) -> float:
    """OpenSearch's BM25 IDF."""
    return math.log(1 + (articles - document_frequency + 0.5) / (document_frequency + 0.5))


def weigh(client: Any, index: str, forms: Iterable[str], batch: int = BATCH) -> ArchiveWeights:
    """Each form's mean IDF in ``index``'s ``body`` (a form that analyses to nothing, such as a
    stopword, gets none). Raises TooFewArticles under :data:`MIN_ARTICLES`."""
    pending = sorted(set(forms))
    weights: dict[str, float] = {}
    articles = 0
    for start in range(0, len(pending), batch):
        chunk = pending[start : start + batch]
        docs = [
            {"doc": {FIELD: form}, "fields": [FIELD], "term_statistics": True, "positions": False}
            for form in chunk
        ]
        answer = client.mtermvectors(index=index, body={"docs": docs})
        for form, doc in zip(chunk, answer["docs"], strict=True):
            vectors = (doc.get("term_vectors") or {}).get(FIELD)
            if not vectors or not vectors.get("terms"):
                continue
            articles = max(articles, int(vectors["field_statistics"]["doc_count"]))
            idfs = [idf(articles, int(s.get("doc_freq", 0))) for s in vectors["terms"].values()]
            weights[form] = round(sum(idfs) / len(idfs), 2)
    if articles < MIN_ARTICLES:
        raise TooFewArticles(f"{index} has {articles} articles; at least {MIN_ARTICLES}")
    computed_at = datetime.now(UTC).isoformat(timespec="seconds")
    return ArchiveWeights(articles, computed_at, weights)
