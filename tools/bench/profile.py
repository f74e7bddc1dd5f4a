"""Sizes and repetitions of a run: ``full`` fits about 30 minutes on 2 cores, ``quick`` a few."""

from __future__ import annotations

from dataclasses import dataclass

MB = 1024 * 1024


@dataclass(frozen=True)
class Profile:
    name: str
    ingest_pairs: int  # handler/raw-bulk pairs over the whole corpus
    ingest_articles: int | None  # None: the whole corpus
    search_rounds: int  # rounds of the query mix; p50/p95/p99 per round, median over rounds
    search_repeats: int  # times each query runs per round
    concurrency_clients: tuple[int, ...]
    concurrency_seconds: float
    concurrency_max_requests: int  # per level, a bound besides time
    coldstart_runs: int
    memory_sizes: tuple[int, ...]  # NDJSON object sizes in bytes
    memory_limit_s: float  # the invocation's time limit (a Lambda timeout) per object
    scale_sizes: tuple[int, ...]  # articles indexed at each step
    scale_budget_s: float  # loading stops before a step that would overrun this
    scale_heap: str
    scale_port: int


FULL = Profile(
    name="full",
    ingest_pairs=3,
    ingest_articles=None,
    search_rounds=5,
    search_repeats=5,
    concurrency_clients=(1, 4, 16),
    concurrency_seconds=30.0,
    concurrency_max_requests=100_000,
    coldstart_runs=7,
    memory_sizes=(10 * MB, 100 * MB, 1024 * MB),
    memory_limit_s=300.0,
    scale_sizes=(21_936, 219_360, 1_000_000),
    # Loading 1M articles takes 1,200-1,300 s on the shared 2-core box (600-830 articles/s).
    scale_budget_s=1800.0,
    scale_heap="3g",
    scale_port=9271,
)

QUICK = Profile(
    name="quick",
    ingest_pairs=2,
    ingest_articles=3_000,
    search_rounds=3,
    search_repeats=2,
    concurrency_clients=(1, 4, 16),
    concurrency_seconds=3.0,
    concurrency_max_requests=2_000,
    coldstart_runs=3,
    memory_sizes=(1 * MB, 5 * MB, 20 * MB),
    memory_limit_s=40.0,
    scale_sizes=(3_000, 10_000),
    scale_budget_s=120.0,
    scale_heap="1g",
    scale_port=9271,
)

# `make bench-scale`: the scale benchmark alone, on to 3M articles (about 23 GB of index on
# disk at ~8 KiB an article; an hour of loading on 2 cores). The budget stops it early.
SCALE = Profile(
    name="scale",
    ingest_pairs=1,
    ingest_articles=None,
    search_rounds=5,
    search_repeats=5,
    concurrency_clients=(1,),
    concurrency_seconds=1.0,
    concurrency_max_requests=1,
    coldstart_runs=1,
    memory_sizes=(),
    memory_limit_s=1.0,
    scale_sizes=(21_936, 219_360, 1_000_000, 3_000_000),
    scale_budget_s=5400.0,
    scale_heap="4g",
    scale_port=9271,
)

PROFILES = {p.name: p for p in (FULL, QUICK, SCALE)}
