"""7. Upload to searchable: an S3 put in the local stack (local S3 -> SQS -> ingest handler ->
OpenSearch) until the article is found by ``/search`` over HTTP.

The local stack's queue poller long-polls with a 1 s wait; in AWS the SQS event source adds its
batching window (``MaximumBatchingWindowInSeconds`` in template.yaml) to every upload that does
not fill a batch, plus S3's notification delay and a cold start when no ingest container is warm.
"""

from __future__ import annotations

import json
import os
import socket
import time
import urllib.parse
import urllib.request
import uuid
from typing import Any

from bench.context import Context
from bench.results import Section, Table
from bench.stats import summarise

TITLE = "8. Upload to searchable (local stack)"
POLL_S = 0.05
LIMIT_S = 60.0
UPLOADS = 7
BATCHING_WINDOW_S = 5  # template.yaml, IngestFunctionUploads


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _token() -> str:
    # Letters only, no Indonesian affix at either end, so the stemmer leaves it whole.
    return "zq" + "".join(chr(ord("a") + b % 26) for b in uuid.uuid4().bytes[:8]) + "xw"


def _found(api: str, token: str) -> bool:
    url = f"{api}/search?{urllib.parse.urlencode({'q': token, 'collapse': 'false'})}"
    with urllib.request.urlopen(url, timeout=10) as reply:  # noqa: S310 - our local API
        return int(json.loads(reply.read())["total"]["value"]) > 0


def _article(base: dict[str, Any], token: str) -> dict[str, Any]:
    fresh = dict(base)
    fresh["id"] = f"fresh-{token}"
    fresh["url"] = f"{base['url']}#fresh-{token}"
    fresh["title"] = f"{token} {base['title']}"
    return fresh


def run(ctx: Context) -> Section:
    from cariberita_local.stack import LocalStack, StackConfig

    saved = dict(os.environ)
    os.environ["OPENSEARCH_ENDPOINT"] = ctx.endpoint
    alias = f"bench-fresh-{uuid.uuid4().hex[:8]}"
    config = StackConfig(
        bucket=f"bench-fresh-{uuid.uuid4().hex[:8]}",
        index=alias,
        api_port=_free_port(),
        s3_port=_free_port(),
        search_containers=1,
    )
    stack = LocalStack(config)
    ctx.drop_index_later(alias)
    # The ingest path keeps its bookkeeping in side indexes named after the alias.
    ctx.on_exit(
        lambda: ctx.client.indices.delete(
            index=f"{alias}-uploads,{alias}-tombstones,{alias}-rules", ignore_unavailable=True
        )
    )
    rows: list[dict[str, float]] = []
    try:
        stack.start()
        assert stack.s3 is not None and stack.api is not None
        api = stack.api.url
        for n in range(UPLOADS):
            token = _token()
            key = f"uploads/bench/fresh-{n}.ndjson"
            line = json.dumps(_article(ctx.articles[n], token), ensure_ascii=False) + "\n"
            start = time.perf_counter()
            stack.s3.s3.put_object(Bucket=config.bucket, Key=key, Body=line.encode("utf-8"))
            put = time.perf_counter()
            ingested = found = None
            while time.perf_counter() - start < LIMIT_S:
                if ingested is None and not stack.s3.wait_until_ingested([key], timeout_s=0):
                    ingested = time.perf_counter()
                if _found(api, token):
                    found = time.perf_counter()
                    break
                time.sleep(POLL_S)
            if found is None:
                raise RuntimeError(f"upload {key} not searchable after {LIMIT_S:.0f} s")
            rows.append(
                {
                    "put_ms": (put - start) * 1000,
                    "ingested_ms": ((ingested or found) - start) * 1000,
                    "searchable_ms": (found - start) * 1000,
                }
            )
    finally:
        stack.stop()
        os.environ.clear()
        os.environ.update(saved)
    section = Section("freshness", TITLE)
    section.tables.append(
        Table(
            ["step", "ms after the put began"],
            [
                ["S3 put returned", summarise([r["put_ms"] for r in rows]).text("{:.0f}")],
                [
                    "ingest handler acknowledged the message",
                    summarise([r["ingested_ms"] for r in rows]).text("{:.0f}"),
                ],
                [
                    "found by /search (HTTP, local API)",
                    summarise([r["searchable_ms"] for r in rows]).text("{:.0f}"),
                ],
            ],
            caption=f"{len(rows)} uploads of one article each, one at a time; /search polled "
            f"every {POLL_S * 1000:.0f} ms; median (IQR)",
        )
    )
    section.notes.append(
        "In AWS add: the SQS event source's batching window (up to "
        f"{BATCHING_WINDOW_S} s for an upload that does not fill a batch of 10; "
        "`MaximumBatchingWindowInSeconds` in template.yaml), S3's event notification delay "
        "(usually well under a second), and an ingest cold start when no container is warm. "
        "The index refresh interval (OpenSearch's default 1 s; the index does not set one) adds "
        "up to 1 s here and there alike: the ingest handler does not refresh after its bulk "
        "writes. Locally the queue poller long-polls with a 1 s wait."
    )
    section.raw = {"uploads": rows}
    return section
