"""What "one result per story" and "Baca Juga" cost on the whole corpus.

    ARTICLE_DATA_DIR=../shared/data .venv/bin/python -m bench.stories [--rounds 3] [--write]

On the local node: a fresh alias with all 21,936 corpus articles, built as ingestion builds it.
The search use case runs in-process with the readers' known-item queries (tuning half) and
``collapse`` on and off, interleaved; ``/articles/{id}/related`` runs for the queries' target
articles against ``/articles/{id}`` (one document read, the floor any related call pays).
``--write`` replaces the section of docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
import uuid
from pathlib import Path

from cariberita.config import Settings
from cariberita.index.manager import aliased_indices
from cariberita.opensearch_client import build_client
from cariberita.search import service
from cariberita.search.params import SearchParams
from cariberita.search.store import OpenSearchStore

from bench.report import replace_section
from bench.stats import percentile

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "benchmarks.md"
SECTION = "## 10. Collapse and related articles (one result per story, Baca Juga)"
TIMEOUT_MS = 5_000


def timed(call: object, *args: object) -> float:
    started = time.perf_counter()
    call(*args)  # type: ignore[operator]
    return (time.perf_counter() - started) * 1000


def main(argv: list[str] | None = None) -> int:
    from tests.relevance import full_corpus, known_items

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--write", action="store_true")
    opts = parser.parse_args(argv)
    data = Path(os.environ.get("ARTICLE_DATA_DIR", ROOT.parent / "shared" / "data"))
    client = build_client(Settings.from_env())
    alias = f"bench-stories-{uuid.uuid4().hex[:8]}"
    judged = known_items.load(known_items.TUNING)
    timings: dict[str, list[float]] = {
        "/search, one result per story (default)": [],
        "/search, collapse=false": [],
        "/articles/{id}": [],
        "/articles/{id}/related?size=5": [],
    }
    try:
        articles = full_corpus.build_ours(client, alias, data)
        store = OpenSearchStore(client, alias, TIMEOUT_MS)
        secret = "x" * 32
        for _round in range(opts.rounds):
            for item in judged:
                on = SearchParams.from_query(q=item.q)
                off = on.model_copy(update={"collapse": False})
                timings["/search, one result per story (default)"].append(
                    timed(service.search, store, on, secret, TIMEOUT_MS)
                )
                timings["/search, collapse=false"].append(
                    timed(service.search, store, off, secret, TIMEOUT_MS)
                )
                timings["/articles/{id}"].append(timed(service.article, store, item.target))
                timings["/articles/{id}/related?size=5"].append(
                    timed(service.related_articles, store, item.target, 5, TIMEOUT_MS)
                )
    finally:
        for index in aliased_indices(client, alias):
            client.indices.delete(index=index, ignore_unavailable=True)
    rows = [
        f"| {name} | {statistics.median(v):.1f} | {percentile(v, 95):.1f} | {len(v)} |"
        for name, v in timings.items()
    ]
    collapse = statistics.median(timings["/search, one result per story (default)"])
    plain = statistics.median(timings["/search, collapse=false"])
    text = "\n".join(
        [
            SECTION,
            "",
            f"- {articles} corpus articles; {len(judged)} readers' queries (known-item tuning"
            f" half) and their target articles; the use cases in-process"
            f" (`python -m bench.stories`), {opts.rounds} rounds, variants interleaved.",
            f"- Collapsing copies into one result per story costs {collapse - plain:+.1f} ms at"
            f" the median ({collapse / plain:.2f}x the same search uncollapsed): the `collapse`"
            " on `story` and the aggregation that counts copies and names their publishers"
            " (with `inner_hits` instead, which re-run the query once per story on the page,"
            " it measured 2.73x: +34.4 ms).",
            "",
            "| request | p50 ms | p95 ms | requests |",
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
