"""3. Through the local API under concurrency: 1, 4 and 16 clients, each level bounded by time
and request count, on loopback; requests per second, p50/p99 and errors."""

from __future__ import annotations

import http.client
import itertools
import os
import subprocess
import sys
import threading
import time
from typing import Any
from urllib.parse import urlencode, urlsplit

from cariberita_local.lambda_runtime import handler_path

from bench import plots
from bench.context import Context
from bench.env import ROOT
from bench.queries import QUERY_MIX
from bench.results import Section, Table, Target, skipped
from bench.stats import latency_profile, summarise

TITLE = "3. Local API under concurrency"
WINDOW_S = 5.0  # requests per second are counted per window, for a median and spread


def _start_api(ctx: Context, containers: int) -> tuple[subprocess.Popen[str], str]:
    env = {
        **os.environ,
        "OPENSEARCH_ENDPOINT": ctx.endpoint,
        "ARTICLES_INDEX": ctx.state["corpus_alias"],
    }
    proc = subprocess.Popen(  # noqa: S603 - our own module
        [sys.executable, "-m", "bench.api_child", str(containers)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        cwd=ROOT,
        env=env,
    )
    assert proc.stdout is not None
    url = proc.stdout.readline().strip()
    if not url.startswith("http://127.0.0.1:"):
        proc.kill()
        raise RuntimeError(f"the local API did not start (got {url!r})")
    return proc, url


def load(url: str, clients: int, seconds: float, max_requests: int) -> dict[str, Any]:
    """``clients`` threads sending the query mix round-robin until time or count runs out.

    Each client keeps its connection open (HTTP/1.1 keep-alive), as a browser does, and opens
    a new one only after an error.
    """
    parsed = urlsplit(url)
    host, port = parsed.hostname or "127.0.0.1", parsed.port or 80
    paths = [f"/search?{urlencode(q, doseq=True)}" for _, q in QUERY_MIX]
    counter = itertools.count()
    lock = threading.Lock()
    results: list[tuple[float, float, bool]] = []  # (finished at, ms, ok)
    errors: list[str] = []
    start = time.perf_counter()
    deadline = start + seconds

    def client(offset: int) -> None:
        local: list[tuple[float, float, bool]] = []
        conn = http.client.HTTPConnection(host, port, timeout=30)
        for i in itertools.count(offset):
            if time.perf_counter() >= deadline or next(counter) >= max_requests:
                break
            began = time.perf_counter()
            ok = False
            try:
                conn.request("GET", paths[i % len(paths)])
                response = conn.getresponse()
                response.read()
                ok = response.status == 200
                if not ok:
                    with lock:
                        errors.append(f"HTTP {response.status}")
            except (http.client.HTTPException, OSError) as exc:
                conn.close()
                conn = http.client.HTTPConnection(host, port, timeout=30)
                with lock:
                    errors.append(f"{type(exc).__name__}: {exc}"[:200])
            done = time.perf_counter()
            local.append((done - start, (done - began) * 1000, ok))
        conn.close()
        with lock:
            results.extend(local)

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - start
    # Throughput per window of the configured duration; a request still running at the deadline
    # (e.g. a timeout) counts in its latency and errors, not in a window.
    window = min(WINDOW_S, seconds)
    windows = [0] * max(1, int(seconds // window))
    for finished, _, ok in results:
        slot = int(finished // window)
        if ok and slot < len(windows):
            windows[slot] += 1
    rps_windows = [c / window for c in windows]
    return {
        "clients": clients,
        "requests": len(results),
        "seconds": elapsed,
        "rps": len(results) / elapsed,
        "rps_windows": rps_windows,
        "latency": latency_profile([ms for _, ms, _ in results]) if results else None,
        "errors": sum(1 for *_, ok in results if not ok),
        "error_samples": errors[:5],
    }


def run(ctx: Context) -> Section:
    if not handler_path("search").is_file():
        return skipped("concurrency", TITLE, "functions/search/app.py does not exist yet")
    if not ctx.state.get("corpus_alias"):
        return skipped("concurrency", TITLE, "no corpus index (the ingest benchmark did not run)")
    levels = ctx.profile.concurrency_clients
    proc, url = _start_api(ctx, max(levels))
    try:
        load(url, 2, 2.0, 200)  # warm every handler copy's client
        runs = [
            load(url, c, ctx.profile.concurrency_seconds, ctx.profile.concurrency_max_requests)
            for c in levels
        ]
    finally:
        assert proc.stdin is not None
        proc.stdin.close()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
    rows = []
    for r in runs:
        lat = r["latency"] or {"p50": None, "p99": None}
        rows.append(
            [
                r["clients"],
                r["requests"],
                summarise(r["rps_windows"]).text("{:.1f}"),
                lat["p50"],
                lat["p99"],
                r["errors"],
            ]
        )
    section = Section("concurrency", TITLE, raw={"runs": runs})
    section.tables.append(
        Table(
            ["clients", "requests", "ok requests/s (per window)", "p50 ms", "p99 ms", "errors"],
            rows,
            caption=f"{ctx.profile.concurrency_seconds:.0f} s per level (at most "
            f"{ctx.profile.concurrency_max_requests:,} requests), loopback, "
            "the query mix round-robin",
        )
    )
    section.notes.append(
        f"Local API (cariberita_local.api_server) in its own process with "
        f"{max(levels)} handler copies; load from threads of the bench process, one "
        "keep-alive connection each; client, server and OpenSearch share the machine's cores."
    )
    xs = [r["clients"] for r in runs]
    plot = plots.line_plot(
        ctx.out_dir / "benchmarks-concurrency.png",
        "Local API under concurrency",
        "concurrent clients",
        "requests/s  |  ms",
        {
            "ok requests/s": (xs, [summarise(r["rps_windows"]).median for r in runs]),
            "p99 ms": (xs, [(r["latency"] or {}).get("p99", 0) for r in runs]),
        },
    )
    if plot:
        section.plots.append(plot)
    total_errors = sum(r["errors"] for r in runs)
    section.targets.append(
        Target(
            "zero errors", "no failed request at any level", str(total_errors), total_errors == 0
        )
    )
    return section
