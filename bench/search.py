"""2. Search latency: the search handler invoked in-process with API Gateway events for the query
mix, against the raw client replaying the exact OpenSearch requests the handler made."""

from __future__ import annotations

import os
import time
from contextlib import contextmanager
from typing import Any

from cariberita_local.lambda_runtime import api_gateway_event
from opensearchpy.transport import Transport

from bench.context import Context
from bench.env import client_for, load_handler
from bench.events import bench_context, quiet
from bench.queries import FALLBACK_BODIES, QUERY_MIX
from bench.results import Section, Table, evaluate, skipped
from bench.stats import latency_profile, pairwise_differences, summarise

TITLE = "2. Search latency (in-process handler vs raw client)"
GOAL = "handler p50 ≤ raw p50 + 2 ms"

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
        out.append((kind, query, list(seen)))
    return out


def fallback_requests(index: str) -> list[tuple[str, dict[str, Any], list[Request]]]:
    return [
        (kind, {}, [("POST", f"/{index}/_search", None, body)]) for kind, body in FALLBACK_BODIES
    ]


def run(ctx: Context) -> Section:
    alias = ctx.state.get("corpus_alias")
    if not alias:
        return skipped("search", TITLE, "no corpus index (the ingest benchmark did not run)")
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
    return _section(rounds, by_kind, captured)


def measure_round(
    ctx: Context,
    handler: Any,
    raw: Any,
    events: list[tuple[str, dict[str, Any], list[Request]]],
    rounds: list[dict[str, Any]],
    by_kind: dict[str, dict[str, list[float]]],
) -> None:
    """One pass over the mix; each request goes handler then raw, back to back (a pair)."""
    ours: list[float] = []
    ref: list[float] = []
    for kind, event, requests in events:
        for _ in range(ctx.profile.search_repeats):
            start = time.perf_counter()
            handler.lambda_handler(event, bench_context())
            mid = time.perf_counter()
            replay(raw, requests)
            end = time.perf_counter()
            ours.append((mid - start) * 1000)
            ref.append((end - mid) * 1000)
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
            "handler/raw); median over rounds (IQR)",
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
        evaluate("handler overhead ≤ 2 ms", GOAL, overhead.median, "<=", 2.0, "+{:.2f} ms")
    )
    section.raw = {"rounds": rounds}
    return section
