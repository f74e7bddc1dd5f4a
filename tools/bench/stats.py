"""Statistics for repeated measurements: medians with spread, percentiles, pairwise ratios.

Absolute times drift on a shared machine, so every comparison is a ratio (or difference) taken
pair by pair: run i of our code against run i of the reference, measured back to back.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class Summary:
    """Median and spread of repeated measurements (IQR and min/max)."""

    n: int
    median: float
    q1: float
    q3: float
    min: float
    max: float

    def as_dict(self) -> dict[str, float]:
        return asdict(self)

    def text(self, fmt: str = "{:.1f}") -> str:
        """``median (IQR q1–q3)``, or just the value for a single run."""
        if self.n == 1:
            return fmt.format(self.median)
        return f"{fmt.format(self.median)} (IQR {fmt.format(self.q1)}–{fmt.format(self.q3)})"


def percentile(values: Sequence[float], pct: float) -> float:
    """Linear-interpolated percentile (the numpy default); raises ValueError on no values."""
    if not values:
        raise ValueError("percentile of no values")
    if not 0 <= pct <= 100:
        raise ValueError(f"percentile must be within 0..100, got {pct}")
    ordered = sorted(values)
    rank = (len(ordered) - 1) * pct / 100
    low = math.floor(rank)
    high = math.ceil(rank)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def summarise(values: Sequence[float]) -> Summary:
    """Median, quartiles and range of repeated runs."""
    if not values:
        raise ValueError("cannot summarise no measurements")
    return Summary(
        n=len(values),
        median=percentile(values, 50),
        q1=percentile(values, 25),
        q3=percentile(values, 75),
        min=min(values),
        max=max(values),
    )


def latency_profile(samples_ms: Sequence[float]) -> dict[str, float]:
    """p50/p95/p99 and count of latency samples in milliseconds."""
    return {
        "n": len(samples_ms),
        "p50": percentile(samples_ms, 50),
        "p95": percentile(samples_ms, 95),
        "p99": percentile(samples_ms, 99),
    }


def pairwise_ratios(ours: Sequence[float], reference: Sequence[float]) -> list[float]:
    """ours[i] / reference[i] for each pair; the runs must pair up one to one."""
    if len(ours) != len(reference):
        raise ValueError(f"unpaired runs: {len(ours)} against {len(reference)}")
    if any(r == 0 for r in reference):
        raise ValueError("a reference measurement is zero; the ratio is undefined")
    return [o / r for o, r in zip(ours, reference, strict=True)]


def pairwise_differences(ours: Sequence[float], reference: Sequence[float]) -> list[float]:
    """ours[i] - reference[i] for each pair (e.g. added milliseconds)."""
    if len(ours) != len(reference):
        raise ValueError(f"unpaired runs: {len(ours)} against {len(reference)}")
    return [o - r for o, r in zip(ours, reference, strict=True)]
