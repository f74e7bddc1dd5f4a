"""Re-ingest what is already in the articles bucket by queueing one S3 notification per object.

Used after a reindex that needs the source files again (new fields, parser fixes) or to rebuild
an index from scratch. The messages have the shape S3 itself sends, so the ingest function
treats them exactly like uploads: newer-wins keeps re-sends harmless, failures go to the DLQ.

    .venv/bin/python tools/scripts/sam-backfill.py --stack cariberita-dev [--prefix uploads/2024/]
    .venv/bin/python tools/scripts/sam-backfill.py --bucket B --queue-url URL --prefix uploads/

Prints a JSON summary; exits 1 if any message could not be queued.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote_plus

import boto3

REPORTS_PREFIX = "reports/"
BATCH = 10  # SQS SendMessageBatch limit


def stack_outputs(stack: str) -> dict[str, str]:
    described = boto3.client("cloudformation").describe_stacks(StackName=stack)["Stacks"][0]
    return {o["OutputKey"]: o["OutputValue"] for o in described.get("Outputs", [])}


def object_keys(bucket: str, prefix: str) -> Iterator[tuple[str, int]]:
    pages = (
        boto3.client("s3").get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix)
    )
    for page in pages:
        for item in page.get("Contents", []):
            if not item["Key"].startswith(REPORTS_PREFIX) and not item["Key"].endswith("/"):
                yield item["Key"], item["Size"]


def notification(bucket: str, key: str, size: int) -> str:
    """An S3 ObjectCreated notification body; keys are URL-encoded as S3 encodes them."""
    record = {
        "eventVersion": "2.1",
        "eventSource": "aws:s3",
        "eventName": "ObjectCreated:Put",
        "userIdentity": {"principalId": "cariberita-backfill"},
        "s3": {"bucket": {"name": bucket}, "object": {"key": quote_plus(key), "size": size}},
    }
    return json.dumps({"Records": [record]})


def send(queue_url: str, bodies: list[str]) -> list[dict[str, Any]]:
    """Send up to 10 bodies; returns the entries SQS refused (``Id`` is the body's position)."""
    entries = [{"Id": str(n), "MessageBody": body} for n, body in enumerate(bodies)]
    return (
        boto3.client("sqs")
        .send_message_batch(QueueUrl=queue_url, Entries=entries)
        .get("Failed", [])
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stack", help="read bucket, queue and upload prefix from its outputs")
    parser.add_argument("--bucket")
    parser.add_argument("--queue-url")
    parser.add_argument("--prefix", help="only keys under this prefix (default: UploadPrefix)")
    parser.add_argument("--dry-run", action="store_true", help="list, do not send")
    args = parser.parse_args(argv)
    outputs = stack_outputs(args.stack) if args.stack else {}
    bucket = args.bucket or outputs.get("ArticlesBucketName")
    queue_url = args.queue_url or outputs.get("IngestQueueUrl")
    prefix = args.prefix if args.prefix is not None else outputs.get("UploadPrefix", "")
    if not bucket or not queue_url:
        parser.error("give --stack, or both --bucket and --queue-url")
    if prefix.startswith(REPORTS_PREFIX):
        parser.error("reports are written by the ingest function; they are never re-ingested")

    summary = {"bucket": bucket, "prefix": prefix, "listed": 0, "queued": 0, "failed": []}
    batch: list[tuple[str, str]] = []
    for key, size in object_keys(bucket, prefix):
        summary["listed"] += 1
        batch.append((key, notification(bucket, key, size)))
        if len(batch) == BATCH:
            _flush(args, queue_url, batch, summary)
    _flush(args, queue_url, batch, summary)
    print(json.dumps(summary, indent=2))
    return 1 if summary["failed"] else 0


def _flush(
    args: argparse.Namespace, queue_url: str, batch: list[tuple[str, str]], summary: dict
) -> None:
    if batch and not args.dry_run:
        failed = send(queue_url, [body for _, body in batch])
        for entry in failed:
            key = batch[int(entry["Id"])][0]
            summary["failed"].append(f"{key}: {entry.get('Message', entry.get('Code'))}")
        summary["queued"] += len(batch) - len(failed)
    batch.clear()


if __name__ == "__main__":
    sys.exit(main())
