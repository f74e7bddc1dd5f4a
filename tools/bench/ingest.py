"""1. Ingest throughput: S3 object -> ingest handler -> indexed and refreshed, against
``helpers.bulk`` of the same already-built documents into an identical fresh index."""

from __future__ import annotations

import json
import os
import time
from typing import Any

from cariberita_local.lambda_runtime import sqs_s3_event
from opensearchpy import helpers

from bench import documents
from bench.context import Context, created_under
from bench.env import load_handler, unique
from bench.events import bench_context, quiet
from bench.profile import MB
from bench.results import Section, Table, evaluate
from bench.stats import pairwise_ratios, summarise

TITLE = "1. Ingest throughput"
GOAL = "ingest path ≥ 0.9× raw bulk (articles/s, pair by pair, full corpus)"


def _fresh_alias(ctx: Context, prefix: str) -> str:
    from cariberita.index.manager import ensure_index

    alias = unique(prefix)
    ensure_index(ctx.client, alias)
    ctx.drop_index_later(alias)
    return alias


def _drop(ctx: Context, alias: str) -> None:
    for name in created_under(ctx.client, alias):
        ctx.client.indices.delete(index=name, ignore_unavailable=True)


def _count(ctx: Context, alias: str) -> int:
    return int(ctx.client.count(index=alias)["count"])


def raw_bulk(ctx: Context, actions: list[dict[str, Any]]) -> tuple[str, float]:
    """Seconds for helpers.bulk (library defaults) plus a refresh into a fresh index."""
    alias = _fresh_alias(ctx, "raw")
    for action in actions:
        action["_index"] = alias
    start = time.perf_counter()
    ok, errors = helpers.bulk(ctx.client, actions, stats_only=True, request_timeout=300)
    ctx.client.indices.refresh(index=alias)
    seconds = time.perf_counter() - start
    if errors or ok != len(actions):
        raise RuntimeError(f"raw bulk indexed {ok} of {len(actions)} ({errors} errors)")
    return alias, seconds


def handler_ingest(
    ctx: Context, handler: Any, bucket: str, key: str, size: int, expected: int
) -> tuple[str, float]:
    """Seconds from invoking the ingest handler with the object's event to a refreshed index."""
    alias = _fresh_alias(ctx, "ingest")
    os.environ["ARTICLES_INDEX"] = alias
    event = sqs_s3_event(bucket, key, size=size)
    start = time.perf_counter()
    with quiet():
        result = handler.lambda_handler(event, bench_context())
    ctx.client.indices.refresh(index=alias)
    seconds = time.perf_counter() - start
    failures = (result or {}).get("batchItemFailures") if isinstance(result, dict) else None
    count = _count(ctx, alias)
    if failures or count != expected:
        raise RuntimeError(
            f"ingest handler indexed {count} of {expected}; result {str(result)[:300]}"
        )
    return alias, seconds


def run(ctx: Context) -> Section:
    articles = (
        ctx.articles[: ctx.profile.ingest_articles] if ctx.profile.ingest_articles else ctx.articles
    )
    payload = b"".join(json.dumps(a, ensure_ascii=False).encode("utf-8") + b"\n" for a in articles)
    size_mb = len(payload) / MB
    builder_name, build = documents.builder()
    actions = list(documents.actions("placeholder", articles, build=build))
    handler = load_handler("ingest")
    bucket = key = None
    if handler is not None:
        import boto3

        bucket, key = ctx.s3.bucket(), "uploads/bench corpus.ndjson"
        boto3.client("s3").put_object(Bucket=bucket, Key=key, Body=payload)
        os.environ["OPENSEARCH_ENDPOINT"] = ctx.endpoint
    raw_s: list[float] = []
    ours_s: list[float] = []
    keep: str | None = None
    for pair in range(ctx.profile.ingest_pairs):
        # Alternate which side goes first so warm-up and drift do not favour one side.
        sides = ["raw", "ours"] if pair % 2 == 0 else ["ours", "raw"]
        for side in sides:
            if side == "raw":
                alias, seconds = raw_bulk(ctx, actions)
                raw_s.append(seconds)
            elif handler is not None:
                alias, seconds = handler_ingest(
                    ctx, handler, bucket, key, len(payload), len(articles)
                )
                ours_s.append(seconds)
            else:
                continue
            if keep:
                _drop(ctx, keep)
            keep = alias
    ctx.state["corpus_alias"] = keep
    ctx.state["corpus_articles"] = len(articles)
    return _section(len(articles), size_mb, builder_name, raw_s, ours_s, handler is not None, ctx)


def _section(
    n: int,
    size_mb: float,
    builder_name: str,
    raw_s: list[float],
    ours_s: list[float],
    have_handler: bool,
    ctx: Context,
) -> Section:
    section = Section("ingest", TITLE)
    rows = []
    raw_rate = summarise([n / s for s in raw_s])
    rows.append(
        [
            "raw helpers.bulk (reference)",
            raw_rate.text("{:,.0f}"),
            summarise([size_mb / s for s in raw_s]).text("{:.2f}"),
            summarise(raw_s).text("{:.1f}"),
        ]
    )
    ratio = None
    if have_handler and ours_s:
        rows.append(
            [
                "ingest handler (S3 → handler → refreshed)",
                summarise([n / s for s in ours_s]).text("{:,.0f}"),
                summarise([size_mb / s for s in ours_s]).text("{:.2f}"),
                summarise(ours_s).text("{:.1f}"),
            ]
        )
        # Rates: ours/raw rate = raw seconds / our seconds, pair by pair.
        ratios = pairwise_ratios(raw_s, ours_s)
        ratio = summarise(ratios)
        section.raw["ratios"] = ratios
        rows.append(["ratio ingest / raw (pairwise)", ratio.text("{:.2f}"), "", ""])
    else:
        section.status = "partial"
        section.reason = (
            "functions/ingest/app.py does not exist yet: only the reference was measured"
        )
    section.tables.append(
        Table(
            ["path", "articles/s", "MB/s", "seconds"],
            rows,
            caption=f"{n:,} articles, {size_mb:.1f} MB of NDJSON, {len(raw_s)} pairs, median (IQR)",
        )
    )
    section.notes.append(f"documents built by: {builder_name}")
    section.notes.append(
        "MB/s counts the NDJSON object's bytes for both paths; both end with a refresh."
    )
    full = n == len(ctx.articles)
    section.targets.append(
        evaluate(
            "ingest ≥ 0.9× raw bulk", GOAL, ratio.median if ratio and full else None, ">=", 0.9
        )
    )
    if ratio and not full:
        section.notes.append("not the full corpus (quick profile): the target is not evaluated")
    section.raw.update(
        {"articles": n, "megabytes": size_mb, "raw_seconds": raw_s, "ingest_seconds": ours_s}
    )
    return section
