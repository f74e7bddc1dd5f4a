"""No request outlasts the invocation: with OpenSearch answering 429/503 or hanging, an ingest
invocation with 5 s left fails its message for redelivery before its deadline, after as many
attempts as the backoff schedule allows."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from urllib.parse import quote_plus

import boto3
import pytest
from cariberita.ingest.retries import BACKOFF_BASE_MS, BACKOFF_CAP_MS

from tests.support.events import load_event
from tests.support.fault_proxy import Fault, FaultProxy
from tests.support.handlers import LambdaContext, load_handler_module

pytestmark = pytest.mark.filterwarnings("ignore:No application metrics")
BUDGET_S = 5.0
MARGIN_MS = 1_000
KEY = "uploads/sibuk.ndjson"


@pytest.fixture
def proxy(opensearch_endpoint, fresh_index_alias, os_client, monkeypatch) -> Iterator[FaultProxy]:
    with FaultProxy(opensearch_endpoint) as running:
        monkeypatch.setenv("OPENSEARCH_ENDPOINT", running.url)
        monkeypatch.setenv("ARTICLES_INDEX", fresh_index_alias)
        monkeypatch.setenv("INGEST_TIME_MARGIN_MS", str(MARGIN_MS))
        yield running
    side = f"{fresh_index_alias}-uploads,{fresh_index_alias}-tombstones"
    os_client.indices.delete(index=side, ignore_unavailable=True)


def invoke_with_budget(bucket: str) -> tuple[dict, float]:
    """Upload a small batch and deliver its event to an invocation with BUDGET_S left."""
    records = [{"id": f"b-{i}", "title": f"Judul {i}", "body": "Isi."} for i in range(5)]
    data = "".join(json.dumps(r) + "\n" for r in records).encode()
    boto3.client("s3").put_object(Bucket=bucket, Key=KEY, Body=data)
    event = load_event("ingest-sqs-s3-put.json")
    body = json.loads(event["Records"][0]["body"])
    body["Records"][0]["s3"]["bucket"]["name"] = bucket
    body["Records"][0]["s3"]["object"]["key"] = quote_plus(KEY, safe="/")
    event["Records"][0]["body"] = json.dumps(body)
    context = LambdaContext(timeout_s=BUDGET_S)
    started = time.monotonic()
    response = load_handler_module("ingest").lambda_handler(event, context)
    return response, time.monotonic() - started


def most_attempts(budget_ms: float) -> int:
    """The attempts the backoff schedule allows in ``budget_ms``: the rounds whose mean draws
    (half the ceiling) fill it, the first attempt, and three rounds of slack, since full jitter
    can draw near zero. The transport's own retries (3 at once per request, as before) would
    overshoot it."""
    total, rounds = 0.0, 0
    while total < budget_ms:
        rounds += 1
        total += min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2**rounds) / 2
    return rounds + 1 + 3


@pytest.mark.parametrize("status", [429, 503])
def test_a_busy_index_fails_the_message_before_the_deadline(proxy, s3_bucket, status):
    fault = proxy.add(Fault("status", path_contains="/_bulk", status=status))

    response, elapsed = invoke_with_budget(s3_bucket)

    assert len(response["batchItemFailures"]) == 1  # redelivered by SQS
    assert elapsed < BUDGET_S - MARGIN_MS / 1000 + 0.5
    assert 2 <= fault.fired <= most_attempts(BUDGET_S * 1000 - MARGIN_MS)


def test_a_hanging_index_fails_the_message_before_the_deadline(proxy, s3_bucket):
    fault = proxy.add(Fault("delay", path_contains="/_bulk", delay_s=30))

    response, elapsed = invoke_with_budget(s3_bucket)

    assert len(response["batchItemFailures"]) == 1
    assert elapsed < BUDGET_S  # the request's timeout was cut to the time left
    assert fault.fired == 1  # a hung request is not retried at once by the transport
