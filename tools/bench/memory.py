"""5. Memory: peak resident memory of the ingest handler, in its own process, while it ingests
NDJSON objects of growing size made by repeating the corpus with fresh ids."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

from bench import plots
from bench.context import Context
from bench.corpus import NdjsonStream
from bench.env import ROOT, load_handler, unique
from bench.profile import MB
from bench.results import Section, Table, Target, evaluate, skipped

TITLE = "5. Memory while ingesting large objects"
LIMIT_MB = 256.0
# "Flat": the largest object may cost at most this much more peak memory than the smallest.
FLAT_GROWTH = 0.25


def _light_index(ctx: Context) -> str:
    """An index that stores documents without analysing them: memory is the handler's matter,
    and the node would otherwise need minutes to analyse a gigabyte the measurement ignores."""
    alias = unique("mem")
    ctx.client.indices.create(
        index=f"{alias}-v1",
        body={
            "settings": {
                "number_of_shards": 1,
                "number_of_replicas": 0,
                "refresh_interval": "-1",
                "translog.durability": "async",
            },
            "mappings": {"dynamic": False, "properties": {}},
            "aliases": {alias: {"is_write_index": True}},
        },
    )
    ctx.drop_index_later(alias)  # -v1 and the side indexes the ingest child creates beside it
    return alias


def _upload(ctx: Context, bucket: str, key: str, size: int) -> tuple[int, int]:
    import boto3
    from boto3.s3.transfer import TransferConfig

    stream = NdjsonStream(ctx.articles, size)
    config = TransferConfig(multipart_chunksize=64 * MB, max_concurrency=2)
    boto3.client("s3").upload_fileobj(stream, bucket, key, Config=config)
    return stream.bytes_written, stream.articles_written


def run(ctx: Context) -> Section:
    if load_handler("ingest") is None:
        return skipped(
            "memory",
            TITLE,
            "functions/ingest/app.py does not exist yet",
            [evaluate("peak < 256 MB", "peak RSS < 256 MB at every size", None, "<", LIMIT_MB)],
        )
    import boto3

    bucket = ctx.s3.bucket()
    limit = ctx.profile.memory_limit_s
    rows, runs = [], []
    for size in ctx.profile.memory_sizes:
        alias = _light_index(ctx)
        key = f"uploads/memory-{size // MB}mb.ndjson"
        began = time.perf_counter()
        written, articles = _upload(ctx, bucket, key, size)
        upload_s = time.perf_counter() - began
        env = {**os.environ, "ARTICLES_INDEX": alias, "OPENSEARCH_ENDPOINT": ctx.endpoint}
        proc = subprocess.run(  # noqa: S603 - our own module
            [sys.executable, "-m", "bench.memory_child", bucket, key, str(written), str(limit)],
            capture_output=True,
            text=True,
            timeout=3600,
            cwd=ROOT,
            env=env,
        )
        boto3.client("s3").delete_object(Bucket=bucket, Key=key)
        if proc.returncode != 0:
            raise RuntimeError(f"ingest child failed for {size // MB} MB: {proc.stderr[-1500:]}")
        child = json.loads(proc.stdout.strip().splitlines()[-1])
        ctx.client.indices.refresh(index=alias)
        indexed = int(ctx.client.count(index=alias)["count"])
        ctx.client.indices.delete(index=f"{alias}-v1", ignore_unavailable=True)
        runs.append(
            {
                "bytes": written,
                "articles": articles,
                "indexed": indexed,
                "upload_s": upload_s,
                **child,
            }
        )
        done = "all" if indexed == articles else f"{indexed / articles:.0%} (time limit)"
        rows.append(
            [
                f"{written / MB:,.0f} MB",
                articles,
                done,
                child["after_import_mb"],
                child["peak_mb"],
                child["seconds"],
                written / MB * indexed / articles / child["seconds"],
            ]
        )
    peaks = [r["peak_mb"] for r in runs]
    growth = peaks[-1] / peaks[0] - 1
    section = Section("memory", TITLE, raw={"runs": runs})
    section.tables.append(
        Table(
            [
                "object",
                "articles",
                "indexed",
                "RSS after import MB",
                "peak RSS MB",
                "seconds",
                "MB/s",
            ],
            rows,
            caption=f"one run per size, each in a fresh process with a {limit:.0f} s invocation "
            "time limit",
        )
    )
    section.notes.append(
        "The target index stores documents without analysis (dynamic: false), so the node "
        "keeps up with a gigabyte; the handler does all its own work (S3 streaming, "
        "parsing, validation, document building, bulk requests)."
    )
    if any(r["indexed"] != r["articles"] for r in runs):
        section.notes.append(
            f"An object not finished within the {limit:.0f} s limit was stopped by the handler's "
            "own deadline check (INGEST_TIME_MARGIN_MS before the end; in Lambda, SQS would "
            "redeliver the message); its peak covers the part ingested, and MB/s counts that part."
        )
    sizes_mb = [r["bytes"] / MB for r in runs]
    plot = plots.line_plot(
        ctx.out_dir / "benchmarks-memory.png",
        "Ingest handler peak RSS vs object size",
        "NDJSON object MB (log)",
        "MB",
        {"peak RSS": (sizes_mb, peaks), "256 MB target": (sizes_mb, [LIMIT_MB] * len(runs))},
        logx=True,
    )
    if plot:
        section.plots.append(plot)
    section.targets.append(
        evaluate(
            "peak < 256 MB",
            "peak RSS < 256 MB at every size",
            max(peaks),
            "<",
            LIMIT_MB,
            "{:.0f} MB",
        )
    )
    section.targets.append(
        Target(
            "flat in object size",
            f"peak at the largest ≤ {1 + FLAT_GROWTH:.2f}× peak at the smallest",
            f"{growth * 100:+.0f}% ({peaks[0]:.0f} → {peaks[-1]:.0f} MB)",
            growth <= FLAT_GROWTH,
        )
    )
    return section
