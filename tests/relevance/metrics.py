"""Ranking quality measures over graded judgments (grades 1-3; unjudged counts as 0)."""

from __future__ import annotations

import math


def reciprocal_rank(ranked: list[str], relevant: dict[str, int]) -> float:
    for position, doc_id in enumerate(ranked, start=1):
        if relevant.get(doc_id, 0) > 0:
            return 1.0 / position
    return 0.0


def ndcg(ranked: list[str], relevant: dict[str, int], k: int = 10) -> float:
    """Normalised discounted cumulative gain at k with gains 2^grade - 1."""
    gains = [(2 ** relevant.get(doc_id, 0) - 1) for doc_id in ranked[:k]]
    ideal = sorted((2**g - 1 for g in relevant.values()), reverse=True)[:k]
    dcg = sum(g / math.log2(i + 2) for i, g in enumerate(gains))
    idcg = sum(g / math.log2(i + 2) for i, g in enumerate(ideal))
    return dcg / idcg if idcg else 0.0
