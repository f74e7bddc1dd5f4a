"""Load a bigger corpus into the local service through the real ingestion path.

    python -m cariberita_local.load_corpus [FILE] [--s3-endpoint URL] [--bucket B]
    make run ARGS="--corpus"            # the same, inside the running stack

FILE is NDJSON (one article per line, ``.gz`` allowed); without it, the shared CLICK-ID corpus
(``$ARTICLE_DATA_DIR/corpus/clickid-news.jsonl.gz``). The file is cut into gzip NDJSON parts
that are uploaded to the local bucket, so every article goes S3 -> SQS -> ingest handler exactly
like an editor's upload; the progress bar advances as the reports of the parts appear.
"""

from __future__ import annotations

import argparse
import gzip
import io
import os
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from botocore.exceptions import BotoCoreError
from tqdm import tqdm

from cariberita_local.lambda_runtime import ROOT

PART_ARTICLES = 1000
CORPUS_NAME = Path("corpus") / "clickid-news.jsonl.gz"


def default_corpus() -> Path:
    data = Path(os.environ.get("ARTICLE_DATA_DIR", str(ROOT.parent / "shared" / "data")))
    path = data / CORPUS_NAME
    if not path.is_file():
        raise FileNotFoundError(
            f"no corpus at {path}: set ARTICLE_DATA_DIR, or pass an NDJSON file (--corpus FILE)"
        )
    return path


def parts(
    path: Path, per_part: int = PART_ARTICLES, limit: int | None = None
) -> Iterator[tuple[bytes, int]]:
    """gzip-compressed NDJSON parts of ``per_part`` non-blank lines each, and their line counts."""
    opener: Any = gzip.open if path.suffix == ".gz" else open
    buffer, count, total = io.BytesIO(), 0, 0
    writer = gzip.GzipFile(fileobj=buffer, mode="wb")
    with opener(path, "rb") as source:
        for line in source:
            if not line.strip():
                continue
            if limit is not None and total >= limit:
                break
            writer.write(line if line.endswith(b"\n") else line + b"\n")
            count += 1
            total += 1
            if count == per_part:
                writer.close()
                yield buffer.getvalue(), count
                buffer, count = io.BytesIO(), 0
                writer = gzip.GzipFile(fileobj=buffer, mode="wb")
    writer.close()
    if count:
        yield buffer.getvalue(), count


def count_articles(path: Path) -> int:
    opener: Any = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rb") as source:
        return sum(1 for line in source if line.strip())


def load_corpus(
    file: str | Path,
    s3: Any,
    limit: int | None = None,
    reports_prefix: str = "reports/",
    timeout_s: float = 3600.0,
) -> int:
    """Upload ``file`` in parts through ``s3`` (a LocalS3 or anything with .s3 and .bucket).

    Returns the number of articles sent; raises TimeoutError if some part got no report.
    """
    path = Path(file)
    if not path.is_file():
        raise FileNotFoundError(f"no such file: {path}")
    stem = path.name.split(".")[0]
    pending: dict[str, int] = {}
    sent = 0
    total = count_articles(path)
    total = total if limit is None else min(limit, total)
    with tqdm(desc=f"loading {path.name}", unit="article", total=total) as bar:
        for n, (data, count) in enumerate(parts(path, limit=limit), start=1):
            key = f"corpus/{stem}/part-{n:05d}.ndjson.gz"
            s3.s3.put_object(Bucket=s3.bucket, Key=key, Body=data)
            pending[key] = count
            sent += count
            _collect(s3, pending, reports_prefix, bar)
        deadline = time.monotonic() + timeout_s
        while pending and time.monotonic() < deadline:
            time.sleep(0.5)
            _collect(s3, pending, reports_prefix, bar)
    if pending:
        raise TimeoutError(
            f"no ingestion report for {len(pending)} part(s), e.g. {next(iter(pending))}"
        )
    return sent


def _collect(s3: Any, pending: dict[str, int], reports_prefix: str, bar: tqdm) -> None:
    """Advance the bar for every pending part whose report is in the bucket."""
    listed = s3.s3.get_paginator("list_objects_v2").paginate(
        Bucket=s3.bucket, Prefix=f"{reports_prefix}corpus/"
    )
    reported = {obj["Key"] for page in listed for obj in page.get("Contents", [])}
    for key in [k for k in pending if f"{reports_prefix}{k}.json" in reported]:
        bar.update(pending.pop(key))


class RemoteBucket:
    """A bucket of an already running local stack (``make run``), reached over its endpoint."""

    def __init__(self, endpoint: str, bucket: str) -> None:
        import boto3

        self.bucket = bucket
        self.s3 = boto3.client(
            "s3",
            endpoint_url=endpoint,
            region_name="ap-southeast-3",
            aws_access_key_id=os.environ.get("AWS_ACCESS_KEY_ID", "local"),
            aws_secret_access_key=os.environ.get("AWS_SECRET_ACCESS_KEY", "local"),
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="cariberita_local.load_corpus", description=__doc__.split("\n")[0]
    )
    parser.add_argument(
        "file", nargs="?", help="NDJSON file (.gz allowed); default: the shared corpus"
    )
    parser.add_argument(
        "--s3-endpoint", default="http://127.0.0.1:4566", help="the running `make run`"
    )
    parser.add_argument("--bucket", default="cariberita-local")
    parser.add_argument("--reports-prefix", default="reports/")
    parser.add_argument("--limit", type=int, help="load only the first N articles")
    args = parser.parse_args(argv)
    try:
        file = args.file or default_corpus()
        sent = load_corpus(
            file, RemoteBucket(args.s3_endpoint, args.bucket), args.limit, args.reports_prefix
        )
    except (OSError, TimeoutError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except BotoCoreError as exc:
        print(f"error: {exc} (is `make run` running?)", file=sys.stderr)
        return 1
    print(
        f"{sent} articles sent through the ingest path; reports under {args.reports_prefix}corpus/"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
