"""What each part of the search body costs at scale: the benchmark's query mix, sent raw with
parts of the body removed, in turns, on an index of N repeated corpus articles.

    # load once (a separate node on port 9271, heap 3g; ~25 min for 1M on 2 cores):
    ARTICLE_DATA_DIR=../shared/data PYTHONPATH=tools .venv/bin/python \
        tools/scripts/measure-search-parts.py load 1000000
    # then measure (medians per variant, and per query with --per-query):
    PYTHONPATH=tools .venv/bin/python tools/scripts/measure-search-parts.py measure --rounds 5

Variants: ``full`` (the body search sends now), ``story-aggs-before`` (copies counted over
``story`` and a cardinality of ``story``, as before ``shared_story``), ``no-aggs``,
``no-highlight``, ``query-only``, and the two halves of a search split in one ``_msearch``:
``hits-part`` (no aggregations, no total: the engine may skip what cannot reach the page) and
``facets-part`` (size 0: the aggregations and the total, which the shard request cache would
keep until the next refresh; sent here with the cache off, so the figure is a miss's cost).
Stop the node with ``OPENSEARCH_PORT=9271 tools/scripts/opensearch-local.sh stop``. The figures
are in docs/search.md and docs/benchmarks.md ("Scale"); ``make bench-scale`` is the benchmark of
record.
"""

from __future__ import annotations

import argparse
import copy
import json
import statistics
import time
from collections.abc import Callable, Iterator
from typing import Any

PORT = 9271
INDEX = "parts-probe"

Body = dict[str, Any]


def _before_shared_stories(body: Body) -> Body:
    out = copy.deepcopy(body)
    if "collapse" in out:
        if "inner_hits" in out["collapse"]:
            out["aggs"].pop("copied", None)
        else:
            out["aggs"]["copied"]["aggs"]["stories"]["terms"]["field"] = "story"
        out["aggs"]["stories"] = {"cardinality": {"field": "story", "precision_threshold": 40000}}
    return out


def _without(body: Body, key: str) -> Body:
    return {k: v for k, v in body.items() if k != key}


def _hits_part(body: Body) -> Body:
    return {**_without(body, "aggs"), "track_total_hits": False}


def _facets_part(body: Body) -> Body:
    kept = ("query", "post_filter", "aggs", "track_total_hits", "timeout")
    return {"size": 0, **{k: body[k] for k in kept if k in body}}


VARIANTS: dict[str, Callable[[Body], Body]] = {
    "full": lambda b: b,
    "story-aggs-before": _before_shared_stories,
    "no-aggs": lambda b: _without(b, "aggs"),
    "no-highlight": lambda b: _without(b, "highlight"),
    "query-only": lambda b: {
        "query": b["query"],
        "size": b["size"],
        "sort": b["sort"],
        "_source": False,
        "track_total_hits": b["track_total_hits"],
    },
    "hits-part": _hits_part,
    "facets-part": _facets_part,
}


def _client() -> Any:
    from bench.env import client_for, opensearch_endpoint

    return client_for(opensearch_endpoint(port=PORT, heap="3g"), timeout=120)


def load(total: int) -> None:
    from cariberita.index.manager import ensure_index
    from opensearchpy import helpers

    from bench import corpus_index, documents
    from bench.corpus import repeated
    from bench.env import corpus_path, read_corpus

    client = _client()
    ensure_index(client, INDEX)
    client.indices.put_settings(
        index=INDEX,
        body={"index": {"refresh_interval": "-1", "translog.durability": "async"}},
    )
    _, build = documents.builder()
    base = [build(a, "bench-bucket/scale.ndjson") for a in read_corpus(corpus_path())]

    def actions() -> Iterator[dict[str, Any]]:
        for doc in repeated(base, total):
            yield {"_op_type": "index", "_index": INDEX, "_id": doc["id"], "_source": doc}

    began = time.perf_counter()
    for ok, item in helpers.parallel_bulk(
        client, actions(), thread_count=2, chunk_size=1000, request_timeout=300
    ):
        if not ok:
            raise RuntimeError(str(item)[:300])
    corpus_index.mark_shared_stories(client, INDEX)
    client.indices.refresh(index=INDEX, request_timeout=600)
    print(f"loaded {total} in {time.perf_counter() - began:.0f} s")


def _split(client: Any, body: Body) -> None:
    """The two halves in one ``_msearch``: the node runs them side by side."""
    lines: list[Body] = []
    for half in (_hits_part(body), _facets_part(body)):
        lines += [{"index": INDEX, "request_cache": False}, half]
    reply = client.msearch(body=lines, request_timeout=120)
    errors = [r["error"] for r in reply["responses"] if "error" in r]
    if errors:
        raise RuntimeError(str(errors)[:300])


def _concurrent_segments(client: Any, mode: str | None) -> None:
    setting = {"search.concurrent_segment_search.mode": mode}
    client.cluster.put_settings(body={"transient": setting})


def measure(rounds: int, per_query: bool, modes: list[str]) -> None:
    from cariberita.search import query
    from cariberita.search.params import SearchParams

    from bench.queries import QUERY_MIX

    client = _client()
    bodies = [
        (json.dumps(q, ensure_ascii=False), query.search_body(SearchParams.from_query(**q), 10_000))
        for _, q in QUERY_MIX
    ]
    kinds = [*VARIANTS, "split"]  # the body's variants, then the split (two requests)
    names = [f"{v}@{m}" for m in modes for v in kinds]
    times: dict[str, dict[str, list[float]]] = {n: {} for n in names}
    try:
        for round_ in range(rounds + 1):  # round 0 warms up
            for mode in modes:  # in turns, so load from elsewhere moves every mode alike
                _concurrent_segments(client, None if mode == "default" else mode)
                for name, body in bodies:
                    for variant in kinds:
                        began = time.perf_counter()
                        if variant == "split":
                            _split(client, body)
                        else:
                            # Never the request cache: each figure is what computing costs.
                            client.search(
                                index=INDEX,
                                body=VARIANTS[variant](body),
                                request_timeout=120,
                                request_cache="false",
                            )
                        if round_:
                            elapsed = (time.perf_counter() - began) * 1000
                            times[f"{variant}@{mode}"].setdefault(name, []).append(elapsed)
    finally:
        _concurrent_segments(client, None)
    for variant, by_query in times.items():
        every = sorted(t for ts in by_query.values() for t in ts)
        print(
            f"{variant:28s} p50 {statistics.median(every):7.1f} ms  "
            f"p90 {every[int(len(every) * 0.9)]:7.1f}  p99 {every[int(len(every) * 0.99)]:7.1f}"
            f"  max {every[-1]:7.1f}"
        )
    if per_query:
        for name, _ in bodies:
            medians = " ".join(f"{v}={statistics.median(times[v][name]):.0f}" for v in names)
            print(f"{name:60s} {medians}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("load").add_argument("articles", type=int)
    run = sub.add_parser("measure")
    run.add_argument("--rounds", type=int, default=5)
    run.add_argument("--per-query", action="store_true")
    run.add_argument(
        "--concurrent-segments",
        nargs="+",
        default=["default"],
        choices=["default", "none", "auto", "all"],
        help="search.concurrent_segment_search.mode to measure each variant under, in turns",
    )
    args = parser.parse_args()
    if args.command == "load":
        load(args.articles)
    else:
        measure(args.rounds, args.per_query, args.concurrent_segments)


if __name__ == "__main__":
    main()
