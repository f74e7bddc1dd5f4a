"""SQS-style delivery of S3 uploads to the real ingest handler, and the zero-loss audit.

``Delivery`` puts objects into (moto) S3, builds one SQS message per object as S3 -> SQS would,
invokes the handler with batches of messages and redelivers the failed ones, as the SQS event
source mapping does, until none fail (bounded). ``audit`` then compares the index with what was
sent: every good article indexed exactly once with its newest version, every bad one listed
in its object's report.
"""

from __future__ import annotations

import itertools
import json
import uuid
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote_plus

import boto3
from cariberita_local.lambda_runtime import LambdaContext

EVENTS = Path(__file__).resolve().parents[2] / "events"
_TEMPLATE = json.loads((EVENTS / "ingest-sqs-s3-put.json").read_text())["Records"][0]


def budget_context(budget_ms: int = 60_000, expire_after_calls: int | None = None) -> LambdaContext:
    """The ingest function's context, its remaining time running down from ``budget_ms``.

    ``expire_after_calls`` makes the time run out after that many reads of the remaining time
    (the deadline is checked once per article), to end an invocation in the middle of an object.
    """
    return LambdaContext(
        function_name="cariberita-ingest",
        timeout_s=budget_ms / 1000,
        expire_after_calls=expire_after_calls,
    )


def article(article_id: str, version: int = 1, **extra: Any) -> dict[str, Any]:
    """One of our own Indonesian test articles; ``version`` is its edit (newer = later)."""
    return {
        "id": article_id,
        "title": f"Warga {article_id} menyambut perbaikan jalan (versi {version})",
        "body": f"Perbaikan jalan di kelurahan {article_id} selesai. Versi {version}.",
        "category": "Berita Utama / Daerah",
        "published_at": "2024-03-01T08:00:00+07:00",
        "updated_at": f"2024-03-{version:02d}T09:00:00+07:00",
        **extra,
    }


BAD_RECORDS = (
    b'{"id": "rusak-judul", "body": "tanpa judul"}',  # missing title
    b'{"id": "rusak-tipe", "title": 42, "body": "judul bukan teks"}',  # wrong type
    b'{"id": "rusak-json", "title": "terpotong',  # truncated JSON
)


def ndjson(articles: Iterable[dict[str, Any]], bad: Iterable[bytes] = ()) -> bytes:
    lines = [json.dumps(a, ensure_ascii=False).encode() for a in articles] + list(bad)
    return b"\n".join(lines) + b"\n"


@dataclass
class Sent:
    """What was uploaded: newest expected title per id, and bad records per object key."""

    newest: dict[str, tuple[int, str]] = field(default_factory=dict)
    bad: dict[str, int] = field(default_factory=dict)

    def add(self, key: str, articles: list[dict[str, Any]], bad: int) -> None:
        for a in articles:
            version = int(a["updated_at"][8:10]) if "updated_at" in a else 0
            if a["id"] not in self.newest or self.newest[a["id"]][0] < version:
                self.newest[a["id"]] = (version, a["title"])
        self.bad[key] = self.bad.get(key, 0) + bad


class Delivery:
    """Uploads and SQS-style (re)delivery to one handler, counting invocations and messages."""

    def __init__(self, handler: Callable, bucket: str, batch_size: int = 10) -> None:
        self.handler = handler
        self.bucket = bucket
        self.batch_size = batch_size
        self.sent = Sent()
        self.invocations = 0
        self.deliveries = 0
        self.redeliveries = 0
        self.s3 = boto3.client("s3")

    def upload(self, key: str, articles: list[dict[str, Any]], bad: Iterable[bytes] = ()):
        bad = list(bad)
        self.s3.put_object(Bucket=self.bucket, Key=key, Body=ndjson(articles, bad))
        self.sent.add(key, articles, len(bad))
        return self.message(key)

    def message(self, key: str) -> dict[str, Any]:
        body = json.loads(_TEMPLATE["body"])
        body["Records"][0]["s3"]["bucket"]["name"] = self.bucket
        body["Records"][0]["s3"]["object"]["key"] = quote_plus(key, safe="/")
        return {**_TEMPLATE, "messageId": str(uuid.uuid4()), "body": json.dumps(body)}

    def deliver(self, messages: list[dict], context: Any) -> list[dict]:
        """Invoke the handler once per batch; return the messages it reported as failed."""
        failed: list[dict] = []
        for start in range(0, len(messages), self.batch_size):
            batch = messages[start : start + self.batch_size]
            self.invocations += 1
            self.deliveries += len(batch)
            response = self.handler({"Records": batch}, context() if callable(context) else context)
            ids = {f["itemIdentifier"] for f in response["batchItemFailures"]}
            failed += [m for m in batch if m["messageId"] in ids]
        return failed

    def until_done(
        self, messages: list[dict], context: Any = budget_context, max_rounds: int = 8
    ) -> int:
        """Deliver, then redeliver failed messages until none fail; return the rounds used."""
        pending = messages
        for rounds in itertools.count(1):
            pending = self.deliver(pending, context)
            if not pending:
                return rounds
            self.redeliveries += len(pending)
            assert rounds < max_rounds, f"{len(pending)} messages still failing after {rounds}"
        raise AssertionError("unreachable")

    def report(self, key: str) -> dict[str, Any]:
        body = self.s3.get_object(Bucket=self.bucket, Key=f"reports/{key}.json")["Body"]
        return json.loads(body.read())


@dataclass
class Audit:
    articles: int
    indexed: int
    lost: list[str]
    duplicated: list[str]
    stale: list[str]
    bad_records: int
    reported_rejected: int
    unexplained: int  # rejections listed without a reason

    @property
    def clean(self) -> bool:
        return not (self.lost or self.duplicated or self.stale or self.unexplained) and (
            self.reported_rejected == self.bad_records
        )


def audit(os_client, alias: str, delivery: Delivery) -> Audit:
    """Compare the index and the reports with what was uploaded."""
    os_client.indices.refresh(index=alias)
    hits = os_client.search(
        index=alias, body={"size": 10_000, "query": {"match_all": {}}, "_source": ["title"]}
    )["hits"]["hits"]
    titles: dict[str, list[str]] = {}
    for hit in hits:
        titles.setdefault(hit["_id"], []).append(hit["_source"]["title"])
    expected = delivery.sent.newest
    reports = [delivery.report(key) for key in delivery.sent.bad]
    reported = sum(r["counts"]["rejected"] for r in reports)
    unexplained = sum(1 for r in reports for entry in r["rejected"] if not entry.get("reason"))
    return Audit(
        articles=len(expected),
        indexed=len(hits),
        lost=sorted(set(expected) - set(titles)),
        duplicated=sorted(
            {i for i, t in titles.items() if len(t) > 1} | (set(titles) - set(expected))
        ),
        stale=sorted(i for i in expected if i in titles and titles[i][0] != expected[i][1]),
        bad_records=sum(delivery.sent.bad.values()),
        reported_rejected=reported,
        unexplained=unexplained,
    )


@contextmanager
def local_search_api(endpoint: str, alias: str, containers: int) -> Iterator[str]:
    """The local API serving the real search handler on ``alias``; yields its URL."""
    import pytest
    from cariberita_local.api_server import LocalApi

    from tests.relevance.api import env

    with pytest.MonkeyPatch.context() as mp:
        for name, value in env(endpoint, alias).items():
            mp.setenv(name, value)
        mp.setenv("POWERTOOLS_METRICS_DISABLED", "true")
        server = LocalApi.for_search_function(containers=containers, port=0, web_dir=None)
        server.start()
        try:
            yield server.url
        finally:
            server.stop()
