"""Ranking quality measures over graded judgments (grades 1-3; unjudged counts as 0)."""

from __future__ import annotations

import math
import random


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


def bootstrap_interval(
    values: list[float], resamples: int = 2000, seed: int = 0, level: float = 0.95
) -> tuple[float, float]:
    """The ``level`` interval of the mean of ``values`` over queries resampled with replacement
    (a paired difference when each value is one query's difference between two systems)."""
    rng = random.Random(seed)
    n = len(values)
    means = sorted(sum(rng.choices(values, k=n)) / n for _ in range(resamples))
    tail = (1 - level) / 2
    return means[int(tail * resamples)], means[int((1 - tail) * resamples) - 1]
