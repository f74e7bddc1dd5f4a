"""6. Scale: search latency for the query mix as the index grows (the corpus repeated with fresh
ids), and index size on disk per article, on a separate node so the shared one is not disturbed."""

from __future__ import annotations

import os
import time
from typing import Any

from cariberita_local.lambda_runtime import api_gateway_event
from opensearchpy import helpers

from bench import corpus_index, documents, plots, search
from bench.context import Context
from bench.corpus import repeated
from bench.env import client_for, load_handler, opensearch_endpoint, stop_opensearch, unique
from bench.events import quiet
from bench.results import Section, Table, evaluate
from bench.stats import latency_profile, summarise

TITLE = "6. Scale: latency and index size as the corpus grows"


def _base_documents(ctx: Context) -> list[dict[str, Any]]:
    _, build = documents.builder()
    return [build(a, "bench-bucket/scale.ndjson") for a in ctx.articles]


def _actions(alias: str, base: list[dict[str, Any]], start: int, stop: int) -> Any:
    """Documents ``start .. stop-1`` of the repeated corpus: copy n gets fresh id and URL."""
    for doc in repeated(base, stop, start):
        yield {"_op_type": "index", "_index": alias, "_id": doc["id"], "_source": doc}


def _load(client: Any, alias: str, base: list[dict[str, Any]], start: int, stop: int) -> float:
    began = time.perf_counter()
    # Two bulk streams keep both cores of the node busy; parallel_bulk is fine outside Lambda.
    for ok, item in helpers.parallel_bulk(
        client,
        _actions(alias, base, start, stop),
        thread_count=2,
        chunk_size=1000,
        request_timeout=300,
    ):
        if not ok:
            raise RuntimeError(f"bulk item failed: {str(item)[:300]}")
    corpus_index.mark_shared_stories(client, alias)  # what ingest keeps for search
    client.indices.refresh(index=alias, request_timeout=600)
    return time.perf_counter() - began


def _settle(client: Any, alias: str, limit_s: float = 120.0) -> None:
    """Wait for background merges to finish, so a step is measured on a quiet index rather than
    against the merges its own load started (on two cores they take what searches need)."""
    deadline = time.monotonic() + limit_s
    while time.monotonic() < deadline:
        stats = client.indices.stats(index=alias, metric="merge")
        if all(i["primaries"]["merges"]["current"] == 0 for i in stats["indices"].values()):
            return
        time.sleep(1)


def _store_bytes(client: Any, alias: str) -> int:
    stats = client.indices.stats(index=alias, metric="store")
    return sum(i["primaries"]["store"]["size_in_bytes"] for i in stats["indices"].values())


def _retarget(requests: list[search.Request], alias: str) -> list[search.Request]:
    out = []
    for method, url, params, body in requests:
        parts = url.split("/")
        if len(parts) > 2 and not parts[1].startswith("_"):
            parts[1] = alias
        out.append((method, "/".join(parts), params, body))
    return out


def run(ctx: Context) -> Section:
    captured = ctx.state.get("query_requests")
    if not captured:
        return Section(
            "scale",
            TITLE,
            status="skipped",
            reason="no query mix (the search benchmark did not run)",
        )
    profile = ctx.profile
    endpoint = opensearch_endpoint(port=profile.scale_port, heap=profile.scale_heap)
    ctx.on_exit(lambda: stop_opensearch(profile.scale_port))
    client = client_for(endpoint, timeout=120)
    from cariberita.index.manager import aliased_indices, ensure_index

    alias = unique("scale")
    ensure_index(client, alias)
    ctx.on_exit(
        lambda: [
            client.indices.delete(index=i, ignore_unavailable=True)
            for i in aliased_indices(client, alias)
        ]
    )
    # Bulk-load settings: no refreshes, async translog with rare flushes, one merge thread so
    # merging does not starve indexing on two cores. Searches run after an explicit refresh.
    client.indices.put_settings(
        index=alias,
        body={
            "index": {
                "refresh_interval": "-1",
                "translog.durability": "async",
                "translog.flush_threshold_size": "1gb",
                "merge.scheduler.max_thread_count": 1,
            }
        },
    )
    handler = load_handler("search")
    if handler is not None:
        os.environ["OPENSEARCH_ENDPOINT"] = endpoint
        os.environ["ARTICLES_INDEX"] = alias
    base = _base_documents(ctx)
    loaded, spent, steps, rows = 0, 0.0, [], []
    for target in profile.scale_sizes:
        if loaded and spent:
            projected = (target - loaded) / (loaded / spent)
            if spent + projected > profile.scale_budget_s:
                steps.append(
                    {
                        "articles": target,
                        "skipped": f"projected load {projected:.0f} s would exceed "
                        f"the {profile.scale_budget_s:.0f} s budget",
                    }
                )
                rows.append(
                    [
                        target,
                        "not measured: loading it would overrun the time budget "
                        f"(projected {spent + projected:.0f} s > {profile.scale_budget_s:.0f} s)",
                        "",
                        "",
                        "",
                        "",
                        "",
                    ]
                )
                break
        spent += _load(client, alias, base, loaded, target)
        _settle(client, alias)
        loaded = target
        count = int(client.count(index=alias)["count"])
        store = _store_bytes(client, alias)
        step = {
            "articles": count,
            "load_s_total": spent,
            "store_bytes": store,
            **_measure(ctx, client, handler, alias, captured),
        }
        steps.append(step)
        rows.append(
            [
                count,
                step["raw_p50"].text("{:.1f}"),
                step["raw_p99"].text("{:.1f}"),
                step["handler_p50"].text("{:.1f}") if step.get("handler_p50") else "—",
                step["handler_p99"].text("{:.1f}") if step.get("handler_p99") else "—",
                store / count / 1024,
                count / spent,
            ]
        )
    section = Section("scale", TITLE)
    for step in steps:
        kinds = step.get("raw_by_kind")
        if kinds:
            section.notes.append(
                f"Raw p50/p99 by kind at {step['articles']:,}: "
                + "; ".join(f"{k} {v['p50']:.0f}/{v['p99']:.0f} ms" for k, v in kinds.items())
            )
    section.tables.append(
        Table(
            [
                "articles",
                "raw p50 ms",
                "raw p99 ms",
                "handler p50 ms",
                "handler p99 ms",
                "disk KiB/article",
                "load articles/s (cumulative)",
            ],
            rows,
            caption=f"separate node, heap {profile.scale_heap}; {profile.search_rounds} "
            "rounds of the query mix per step; median (IQR)",
        )
    )
    section.notes.append(
        "Loaded with parallel_bulk (2 threads), replicas 0, refresh_interval -1, async "
        "translog; refreshed, and background merges awaited (at most 2 min; no force-merge) "
        "before measuring."
    )
    section.raw = {
        "steps": [
            {k: (v.as_dict() if hasattr(v, "as_dict") else v) for k, v in s.items()} for s in steps
        ]
    }
    measured = [s for s in steps if "raw_p50" in s]
    if len(measured) > 1:
        first, last = measured[0], measured[-1]
        growth = last["raw_p50"].median / first["raw_p50"].median
        section.notes.append(
            f"From {first['articles']:,} to {last['articles']:,} articles "
            f"({last['articles'] / first['articles']:.0f}× the data) raw p50 changed by a factor "
            f"of {growth:.2f}."
        )
    ctx.state["scale_steps"] = measured
    at_million = [s for s in measured if s["articles"] >= 1_000_000]
    for step in at_million:
        section.targets.append(
            evaluate(
                f"raw p99 at {step['articles']:,} articles (2 cores)",
                "raw p99 ≤ 80 ms at 1M articles (query mix)",
                step["raw_p99"].median,
                "<=",
                80.0,
                "{:.1f} ms",
            )
        )
    if measured:
        xs = [s["articles"] for s in measured]
        series = {
            "raw p50": (xs, [s["raw_p50"].median for s in measured]),
            "raw p99": (xs, [s["raw_p99"].median for s in measured]),
        }
        if measured[0].get("handler_p50"):
            series["handler p50"] = (xs, [s["handler_p50"].median for s in measured])
            series["handler p99"] = (xs, [s["handler_p99"].median for s in measured])
        plot = plots.line_plot(
            ctx.out_dir / "benchmarks-scale.png",
            "Search latency vs articles indexed",
            "articles (log)",
            "ms",
            series,
            logx=True,
        )
        if plot:
            section.plots.append(plot)
    os.environ["OPENSEARCH_ENDPOINT"] = ctx.endpoint
    return section


def _measure(
    ctx: Context,
    client: Any,
    handler: Any,
    alias: str,
    captured: list[tuple[str, dict[str, Any], list[search.Request]]],
) -> dict[str, Any]:
    requests = [(kind, query, _retarget(reqs, alias)) for kind, query, reqs in captured]
    for _, _, reqs in requests:  # warm caches the way a live index is warm
        search.replay(client, reqs)
    if handler is None:
        samples: list[list[float]] = []
        for _ in range(ctx.profile.search_rounds):
            times = []
            for _, _, reqs in requests:
                for _ in range(ctx.profile.search_repeats):
                    began = time.perf_counter()
                    search.replay(client, reqs)
                    times.append((time.perf_counter() - began) * 1000)
            samples.append(times)
        from bench.stats import percentile

        return {
            "raw_p50": summarise([percentile(s, 50) for s in samples]),
            "raw_p99": summarise([percentile(s, 99) for s in samples]),
        }
    events = [(kind, api_gateway_event("/search", query), reqs) for kind, query, reqs in requests]
    rounds: list[dict[str, Any]] = []
    by_kind: dict[str, dict[str, list[float]]] = {}
    with quiet():
        for _ in range(ctx.profile.search_rounds):
            search.measure_round(ctx, handler, client, events, rounds, by_kind)
    out: dict[str, Any] = {
        side + "_" + p: summarise([r[name][p] for r in rounds])
        for side, name in (("raw", "raw"), ("handler", "handler"))
        for p in ("p50", "p99")
    }
    # Which kind of query makes the tail (raw p50/p99 per kind, all rounds pooled).
    out["raw_by_kind"] = {
        kind: {p: latency_profile(samples["ref"])[p] for p in ("p50", "p99")}
        for kind, samples in by_kind.items()
    }
    return out
