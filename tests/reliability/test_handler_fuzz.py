"""Hypothesis batches through the real ingest handler: bad records reported, good ones indexed.

The parsers get thousands of cases in the unit tier (tests/unit/test_fuzz_*.py); here fewer
examples go the whole way: S3 object -> SQS message -> handler -> OpenSearch -> report.
"""

from __future__ import annotations

import gzip
import itertools
import json
import os
import re
from collections import Counter

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.reliability.harness import Delivery, budget_context
from tests.support.article_strategies import csv_batch, ndjson_batch
from tests.support.handlers import load_handler_module

BASE = settings(
    deadline=None,
    database=None,
    derandomize=os.environ.get("CI") == "true",  # CI: repeatable; locally: new cases each run
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
_keys = itertools.count()


# `make reliability-full` (RELIABILITY_FULL=1) runs five times the examples.
SCALE = 5 if os.environ.get("RELIABILITY_FULL") == "1" else 1


def fuzz(examples: int) -> settings:
    return settings(BASE, max_examples=examples * SCALE)


MAX_LINE = 1_000_000  # the handler's default record limit


@pytest.fixture
def delivery(monkeypatch, index_alias, s3_bucket) -> Delivery:
    monkeypatch.setenv("ARTICLES_INDEX", index_alias)
    return Delivery(load_handler_module("ingest").lambda_handler, s3_bucket)


def unique(body: bytes, good: dict[int, str], n: int) -> tuple[bytes, dict[int, str]]:
    """Give this example's articles ids of their own (the index is shared by the examples)."""
    ids = {p: i.replace("fz-", f"fz{n}-", 1) for p, i in good.items()}
    return re.sub(rb"\bfz-", f"fz{n}-".encode(), body), ids


def ingest(delivery: Delivery, key: str, body: bytes) -> dict:
    delivery.s3.put_object(Bucket=delivery.bucket, Key=key, Body=body)
    failed = delivery.deliver([delivery.message(key)], budget_context())
    assert failed == [], "a malformed object must be reported, not retried forever"
    return delivery.report(key)


def indexed_ids(os_client, alias: str, source: str) -> set[str]:
    os_client.indices.refresh(index=alias)
    hits = os_client.search(
        index=alias, body={"size": 1000, "query": {"term": {"source": source}}, "_source": False}
    )
    return {h["_id"] for h in hits["hits"]["hits"]}


TALLY: dict[str, Counter] = {}


def tally(record, scenario: str, injected: str, **counts: int) -> None:
    totals = TALLY.setdefault(scenario, Counter())
    totals.update(objects=1, **counts)
    record(
        scenario,
        injected=injected,
        lost=totals["lost"],
        **{k: v for k, v in totals.items() if k != "lost"},
    )


def check(report: dict, good: dict[int, str], bad: set[int], unit: str, found: set[str]) -> None:
    assert report["counts"]["valid"] == len(good)
    assert report["counts"]["rejected"] == len(bad)
    assert {r[unit] for r in report["rejected"]} == bad
    assert all(r["reason"] for r in report["rejected"])
    assert found == set(good.values())


@fuzz(60)
@given(batch=ndjson_batch(MAX_LINE), gz=st.booleans())
def test_fuzzed_ndjson_batches_through_the_handler(
    batch, gz, delivery, os_client, index_alias, record
):
    n = next(_keys)
    body, good = unique(*batch[:2], n)
    bad = batch[2]
    key = f"uploads/fuzz/{n}.ndjson" + (".gz" if gz else "")
    report = ingest(delivery, key, gzip.compress(body) if gz else body)
    found = indexed_ids(os_client, index_alias, f"{delivery.bucket}/{key}")
    tally(
        record,
        "fuzz/handler_ndjson",
        "Hypothesis NDJSON batches (plain or gzip): good articles mixed with invalid UTF-8, "
        "truncated JSON, wrong types, missing/enormous fields, nested values, binary lines",
        articles=len(good),
        bad_records=len(bad),
        reported_rejected=report["counts"]["rejected"],
        lost=len(set(good.values()) - found),
    )
    check(report, good, bad, "line", found)


@fuzz(60)
@given(batch=csv_batch())
def test_fuzzed_csv_batches_through_the_handler(batch, delivery, os_client, index_alias, record):
    n = next(_keys)
    body, good = unique(*batch[:2], n)
    bad = batch[2]
    key = f"uploads/fuzz/{n}.csv"
    report = ingest(delivery, key, body)
    found = indexed_ids(os_client, index_alias, f"{delivery.bucket}/{key}")
    tally(
        record,
        "fuzz/handler_csv",
        "Hypothesis CSV batches: good rows mixed with ragged rows (too few/many fields) and "
        "rows that are not UTF-8",
        articles=len(good),
        bad_records=len(bad),
        reported_rejected=report["counts"]["rejected"],
        lost=len(set(good.values()) - found),
    )
    check(report, good, bad, "row", found)


@fuzz(60)
@given(
    data=st.binary(max_size=3_000),
    suffix=st.sampled_from((".ndjson", ".json", ".csv", ".txt", ".html", ".gz", "")),
)
def test_binary_junk_is_reported_and_acknowledged(data, suffix, delivery, record):
    key = f"uploads/fuzz/{next(_keys)}{suffix}"
    report = ingest(delivery, key, data)
    tally(
        record,
        "fuzz/handler_binary_junk",
        "Hypothesis random bytes under every extension (incl. .gz): reported, acknowledged",
        unparseable=report["status"] == "unparseable",
        records_rejected=report["counts"]["rejected"],
        lost=0,
    )
    counts = report["counts"]
    if report["status"] == "unparseable":
        assert report["error"] and counts["valid"] == 0
    else:
        # Every record read is accounted for: rejected, not read (where reading stopped), or
        # valid and settled in the index.
        stopped = report["status"] in ("incomplete", "over_limit")
        assert report["status"] in ("ok", "rejected_records", "empty") or stopped
        assert (report["error"] is not None) == stopped
        assert counts["received"] == counts["valid"] + counts["rejected"] + counts["not_read"]
        settled = ("indexed", "updated", "skipped_older", "deleted")
        assert counts["valid"] == sum(counts[name] for name in settled)
    json.dumps(report)
