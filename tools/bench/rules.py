"""What editors' rules cost a search: 0 rules vs 1,000 synonym groups + 1,000 pins.

    .venv/bin/python -m bench.rules [--rounds 5] [--write]

On the local node: a fresh alias with the search test subset (the samples, and the shared corpus
subset when ARTICLE_DATA_DIR has it), the search use case called in-process with each rule set,
interleaved, over a query mix where some queries are pinned (10 articles each). Also the one-off
cost of compiling a version (merging the synonyms with the shipped lists), paid once per version
per container. ``--write`` replaces the rules section of docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
import uuid
from pathlib import Path

from cariberita.config import Settings
from cariberita.index.manager import aliased_indices, ensure_index
from cariberita.opensearch_client import build_client
from cariberita.rules.compiled import NO_RULES, Rules
from cariberita.rules.model import parse
from cariberita.search import service
from cariberita.search.params import SearchParams
from cariberita.search.store import OpenSearchStore

from bench.report import replace_section
from bench.stats import percentile

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "benchmarks.md"
SECTION = "## 9. Editors' rules (synonyms and pins)"
QUERIES = ["banjir jakarta", "timnas indonesia", "harga cabai naik", "kebakaran", "pemilu", "gempa"]
PINNED = {"kebakaran", "gempa", "pemilu"}


def big_rules(ids: list[str]) -> Rules:
    synonyms = [[f"istilah{n}", f"frasa uji {n}"] for n in range(1_000)]
    pins = [{"query": f"kueri uji {n}", "ids": ids[:10]} for n in range(1_000 - len(PINNED))]
    pins += [{"query": q, "ids": ids[:10]} for q in sorted(PINNED)]
    return Rules(parse({"synonyms": synonyms, "pins": pins}), 1)


def main(argv: list[str] | None = None) -> int:
    from tests.relevance.corpus import load_search_index

    args = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    args.add_argument("--rounds", type=int, default=5)
    args.add_argument("--write", action="store_true")
    opts = args.parse_args(argv)
    settings = Settings.from_env()
    client = build_client(settings)
    alias = f"bench-rules-{uuid.uuid4().hex[:8]}"
    ensure_index(client, alias)
    try:
        data = os.environ.get("ARTICLE_DATA_DIR")
        articles = load_search_index(client, alias, Path(data) if data else None)
        client.indices.refresh(index=alias)
        store = OpenSearchStore(client, alias, 5_000)
        hits = client.search(index=alias, body={"size": 10, "_source": False})["hits"]["hits"]
        started = time.perf_counter()
        rules = big_rules([h["_id"] for h in hits])
        _ = rules.synonyms  # the union with the shipped lists, once per version
        compile_ms = (time.perf_counter() - started) * 1000
        timings: dict[str, list[float]] = {"0 rules": [], "1,000 synonyms + 1,000 pins": []}
        for _round in range(opts.rounds):
            for q in QUERIES:
                params = SearchParams.from_query(q=q)
                for name, active in (("0 rules", NO_RULES), ("1,000 synonyms + 1,000 pins", rules)):
                    t0 = time.perf_counter()
                    service.search(store, params, "x" * 32, 5_000, active)
                    timings[name].append((time.perf_counter() - t0) * 1000)
    finally:
        for index in aliased_indices(client, alias):
            client.indices.delete(index=index, ignore_unavailable=True)
    rows = [
        f"| {name} | {statistics.median(v):.2f} | {percentile(v, 95):.2f} | {len(v)} |"
        for name, v in timings.items()
    ]
    text = "\n".join(
        [
            SECTION,
            "",
            f"- {articles} articles (the search test subset: samples + corpus subset);"
            f" query mix {QUERIES}, of which"
            f" {sorted(PINNED)} are pinned (10 articles each); the search use case in-process"
            f" (`python -m bench.rules`), {opts.rounds} rounds, rule sets interleaved.",
            f"- Compiling a version with 1,000 synonym groups and 1,000 pins (merge with the"
            f" shipped lists, once per version per container): {compile_ms:.0f} ms.",
            "- Reading the rules: one `get` of the current version per 30 s per container,"
            " not per search.",
            "",
            "| rules | p50 ms | p95 ms | searches |",
            "| --- | ---: | ---: | ---: |",
            *rows,
            "",
        ]
    )
    print(text)
    if opts.write:
        replace_section(DOC, SECTION, text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
