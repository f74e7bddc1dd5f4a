"""2. Search latency: the search handler invoked in-process with API Gateway events for the query
mix, against the raw client replaying the exact OpenSearch requests the handler made; the round
trips each search makes; the cost of the search body itself against a plain BM25
``multi_match`` over title and body, for the readers' known-item queries (tuning half); and what
validating the query costs at the edge (bench/validation.py)."""

from __future__ import annotations

import json
import os
import time
from contextlib import contextmanager
from typing import Any

from cariberita_local.lambda_runtime import api_gateway_event
from opensearchpy.transport import Transport

from bench import corpus_index, validation
from bench.context import Context
from bench.env import ROOT, client_for, load_handler
from bench.events import bench_context, quiet
from bench.queries import FALLBACK_BODIES, QUERY_MIX
from bench.results import Section, Table, evaluate, skipped
from bench.stats import latency_profile, pairwise_differences, summarise

TITLE = "2. Search latency (in-process handler vs raw client)"
GOAL = "handler p50 ≤ raw p50 + 1 ms"
COST_GOAL = "search body p50 ≤ 2.0× plain BM25 p50 (reader queries, corpus)"
TRIPS_GOAL = "1 OpenSearch request per /search"
READER_QUERIES = ROOT / "tests" / "relevance" / "known_items" / "tuning.json"
# Every other tuning query of batches 1-5 (88 of 176): long enough a list, short enough a run,
# and the same list as every report before batches 6-8 were written (comparable ratios).
READER_STRIDE = 2
READER_BATCHES = range(1, 6)

Request = tuple[str, str, dict[str, Any] | None, Any]


@contextmanager
def recording() -> Any:
    """Record every request any OpenSearch client makes (method, url, params, body)."""
    seen: list[Request] = []
    original = Transport.perform_request

    def spy(
        self: Transport,
        method: str,
        url: str,
        headers: Any = None,
        params: Any = None,
        body: Any = None,
    ) -> Any:
        seen.append((method, url, dict(params) if params else None, body))
        return original(self, method, url, headers=headers, params=params, body=body)

    Transport.perform_request = spy  # type: ignore[method-assign]
    try:
        yield seen
    finally:
        Transport.perform_request = original  # type: ignore[method-assign]


def is_rules_read(request: Request) -> bool:
    """The rules cache's reads (``<alias>-rules``): the rules once per 30 s and the form
    weights once per 10 minutes per container, not part of any one search, so neither replayed
    nor counted as a search's round trip."""
    return "-rules" in request[1].split("?")[0]


def replay(client: Any, requests: list[Request]) -> None:
    for method, url, params, body in requests:
        client.transport.perform_request(method, url, params=params, body=body)


def capture_requests(handler: Any) -> list[tuple[str, dict[str, Any], list[Request]]]:
    """Run each query of the mix once through the handler; keep what it sent to OpenSearch."""
    out = []
    for kind, query in QUERY_MIX:
        with recording() as seen:
            response = handler.lambda_handler(api_gateway_event("/search", query), bench_context())
        status = response.get("statusCode") if isinstance(response, dict) else None
        if status != 200:
            raise RuntimeError(
                f"search handler answered {status} for {query}: {str(response)[:300]}"
            )
        out.append((kind, query, [r for r in seen if not is_rules_read(r)]))
    return out


def fallback_requests(index: str) -> list[tuple[str, dict[str, Any], list[Request]]]:
    return [
        (kind, {}, [("POST", f"/{index}/_search", None, body)]) for kind, body in FALLBACK_BODIES
    ]


def run(ctx: Context) -> Section:
    alias = corpus_index.ensure(ctx)
    handler = load_handler("search")
    if handler is None:
        ctx.state["query_requests"] = fallback_requests(alias)
        return skipped(
            "search",
            TITLE,
            "functions/search/app.py does not exist yet",
            [evaluate("handler overhead ≤ 2 ms", GOAL, None, "<=", 2.0)],
        )
    os.environ["OPENSEARCH_ENDPOINT"] = ctx.endpoint
    os.environ["ARTICLES_INDEX"] = alias
    with quiet():
        captured = capture_requests(handler)  # also warms the handler's container
    ctx.state["query_requests"] = captured
    raw = client_for(ctx.endpoint, timeout=30)
    for _, _, requests in captured:  # warm the raw client's connection too
        replay(raw, requests)
    events = [
        (kind, api_gateway_event("/search", query), requests) for kind, query, requests in captured
    ]
    rounds: list[dict[str, Any]] = []
    by_kind: dict[str, dict[str, list[float]]] = {}
    with quiet():
        for _ in range(ctx.profile.search_rounds):
            measure_round(ctx, handler, raw, events, rounds, by_kind)
        readers = reader_queries(handler)
    section = _section(rounds, by_kind, captured)
    _round_trips(section, captured, readers)
    _query_cost(section, ctx, raw, alias, readers)
    table, section.raw["edge_validation"] = validation.measure(ctx.profile.search_rounds)
    section.tables.append(table)
    return section


def reader_queries(handler: Any) -> list[tuple[str, str, list[Request]]]:
    """(kind, q, requests) for the readers' known-item queries, as the handler sends them."""
    entries = json.loads(READER_QUERIES.read_text(encoding="utf-8"))["queries"]
    queries = [e for e in entries if e["batch"] in READER_BATCHES][::READER_STRIDE]
    out = []
    for entry in queries:
        with recording() as seen:
            handler.lambda_handler(api_gateway_event("/search", {"q": entry["q"]}), bench_context())
        out.append((entry["kind"], entry["q"], [r for r in seen if not is_rules_read(r)]))
    return out


def _round_trips(
    section: Section,
    captured: list[tuple[str, dict[str, Any], list[Request]]],
    readers: list[tuple[str, str, list[Request]]],
) -> None:
    counts = [len(reqs) for _, _, reqs in captured] + [len(reqs) for _, _, reqs in readers]
    over = [q for _, q, reqs in captured if len(reqs) > 1] + [
        q for _, q, reqs in readers if len(reqs) > 1
    ]
    section.tables.append(
        Table(
            ["searches", "1 request", "2", "3 or more", "most"],
            [
                [
                    len(counts),
                    counts.count(1),
                    counts.count(2),
                    sum(1 for n in counts if n >= 3),
                    max(counts),
                ]
            ],
            caption="OpenSearch requests per /search (query mix and reader queries; the rules "
            "cache's reads, rules once per 30 s and form weights once per 10 min per container, "
            "not counted)",
        )
    )
    if over:
        section.notes.append("Searches with more than one request: " + "; ".join(map(str, over)))
    section.targets.append(
        evaluate("OpenSearch round trips per /search", TRIPS_GOAL, max(counts), "<=", 1, "{:.0f}")
    )


def plain_bm25(q: str) -> dict[str, Any]:
    return {"query": {"multi_match": {"query": q, "fields": ["title", "body"]}}, "size": 10}


def _query_cost(
    section: Section,
    ctx: Context,
    raw: Any,
    alias: str,
    readers: list[tuple[str, str, list[Request]]],
) -> None:
    """Each reader query's search body and a plain BM25 query, back to back (order swapped
    every round), by the same raw client; p50 per round, median over rounds."""
    ours_p50: list[float] = []
    ref_p50: list[float] = []
    ratios: list[float] = []
    for rnd in range(ctx.profile.search_rounds):
        ours: list[float] = []
        ref: list[float] = []
        for _, q, requests in readers:
            bm25 = [("POST", f"/{alias}/_search", None, plain_bm25(q))]
            pair = [(requests, ours), (bm25, ref)]
            for reqs, sink in pair if rnd % 2 == 0 else pair[::-1]:
                start = time.perf_counter()
                replay(raw, reqs)
                sink.append((time.perf_counter() - start) * 1000)
        o, r = latency_profile(ours), latency_profile(ref)
        ours_p50.append(o["p50"])
        ref_p50.append(r["p50"])
        ratios.append(o["p50"] / r["p50"])
    section.tables.append(
        Table(
            ["request", "p50 ms"],
            [
                ["search body (as the handler sends it)", summarise(ours_p50).text("{:.1f}")],
                ["plain BM25 multi_match title, body", summarise(ref_p50).text("{:.1f}")],
                ["ratio (per round)", summarise(ratios).text("{:.2f}×")],
            ],
            caption=f"{len(readers)} reader queries (known-item tuning half, every "
            f"{READER_STRIDE}nd), {len(ours_p50)} rounds, pairs interleaved; median (IQR)",
        )
    )
    section.targets.append(
        evaluate(
            "search body p50 ÷ plain BM25 p50",
            COST_GOAL,
            summarise(ratios).median,
            "<=",
            2.0,
            "{:.2f}×",
        )
    )
    section.raw["query_cost"] = {"ours_p50": ours_p50, "bm25_p50": ref_p50, "ratios": ratios}


def _pair(
    handler: Any, event: dict[str, Any], raw: Any, requests: list[Request], handler_first: bool
) -> tuple[float, float]:
    """One request through the handler and raw, back to back: (handler ms, raw ms)."""
    times: dict[str, float] = {}
    for side in ("handler", "raw") if handler_first else ("raw", "handler"):
        start = time.perf_counter()
        if side == "handler":
            handler.lambda_handler(event, bench_context())
        else:
            replay(raw, requests)
        times[side] = (time.perf_counter() - start) * 1000
    return times["handler"], times["raw"]


def measure_round(
    ctx: Context,
    handler: Any,
    raw: Any,
    events: list[tuple[str, dict[str, Any], list[Request]]],
    rounds: list[dict[str, Any]],
    by_kind: dict[str, dict[str, list[float]]],
) -> None:
    """One pass over the mix; each request goes through the handler and raw, back to back (a
    pair), the order swapped every pair: the second of two identical searches may find the
    node's caches warm from the first, so neither side always goes second."""
    ours: list[float] = []
    ref: list[float] = []
    for kind, event, requests in events:
        for _ in range(ctx.profile.search_repeats):
            handler_ms, raw_ms = _pair(handler, event, raw, requests, len(ours) % 2 == 0)
            ours.append(handler_ms)
            ref.append(raw_ms)
            samples = by_kind.setdefault(kind, {"ours": [], "ref": []})
            samples["ours"].append(ours[-1])
            samples["ref"].append(ref[-1])
    rounds.append(
        {
            "handler": latency_profile(ours),
            "raw": latency_profile(ref),
            "pair_diff_median": summarise(pairwise_differences(ours, ref)).median,
        }
    )


def _section(
    rounds: list[dict[str, Any]],
    by_kind: dict[str, dict[str, list[float]]],
    captured: list[tuple[str, dict[str, Any], list[Request]]],
) -> Section:
    section = Section("search", TITLE)
    rows = []
    for side in ("handler", "raw"):
        rows.append(
            [side if side == "handler" else "raw client (reference)"]
            + [
                summarise([r[side][p] for r in rounds]).text("{:.2f}")
                for p in ("p50", "p95", "p99")
            ]
        )
    overhead = summarise([r["handler"]["p50"] - r["raw"]["p50"] for r in rounds])
    rows.append(
        [
            "overhead (handler − raw, per round)",
            overhead.text("{:.2f}"),
            summarise([r["handler"]["p95"] - r["raw"]["p95"] for r in rounds]).text("{:.2f}"),
            summarise([r["handler"]["p99"] - r["raw"]["p99"] for r in rounds]).text("{:.2f}"),
        ]
    )
    n = rounds[0]["handler"]["n"]
    section.tables.append(
        Table(
            ["path", "p50 ms", "p95 ms", "p99 ms"],
            rows,
            caption=f"{len(rounds)} rounds of {n} requests (the mix, interleaved "
            "handler/raw, which goes first alternating); median over rounds (IQR)",
        )
    )
    kind_rows = []
    for kind, samples in by_kind.items():
        h, r = latency_profile(samples["ours"]), latency_profile(samples["ref"])
        diffs = pairwise_differences(samples["ours"], samples["ref"])
        kind_rows.append([kind, h["p50"], r["p50"], summarise(diffs).median, h["p99"], r["p99"]])
    section.tables.append(
        Table(
            ["kind", "handler p50", "raw p50", "pairwise +ms (median)", "handler p99", "raw p99"],
            kind_rows,
            caption="by kind of query, all rounds pooled (ms)",
        )
    )
    section.notes.append("Query mix: " + "; ".join(f"{k} `{q}`" for k, q, _ in captured))
    calls = sorted({f"{m} {u.split('/')[-1]}" for _, _, reqs in captured for m, u, _, _ in reqs})
    section.notes.append(f"OpenSearch calls the handler makes per query: {', '.join(calls)}")
    section.targets.append(
        evaluate("handler p50 − same-body raw p50", GOAL, overhead.median, "<=", 1.0, "+{:.2f} ms")
    )
    section.raw = {"rounds": rounds}
    return section
