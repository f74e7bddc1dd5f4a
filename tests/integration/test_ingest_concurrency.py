"""Two ingest invocations at once (the template allows two), on the real node and moto S3: the
bucket's ingest lease keeps a rename and two simultaneous deletes from losing or stranding
articles (found by an independent review, 2026-12-03). Each second "container" is a child
process running the real handler; ``tests/support/fault_proxy.py`` slows its OpenSearch
requests to widen the window the races needed."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from typing import Any

import boto3
import pytest

from tests.support.events import s3_event_message
from tests.support.fault_proxy import Fault, FaultProxy
from tests.support.handlers import LambdaContext, load_handler_module
from tests.support.paths import ROOT

PUT, MARKER = "ObjectCreated:Put", "ObjectRemoved:DeleteMarkerCreated"
OK = {"batchItemFailures": []}
# A child process: wait for ``start_at``, hand the handler one event, print its response.
CHILD = """
import json, sys, time
from tests.integration.test_ingest_concurrency import deliver
args = json.loads(sys.argv[1])
time.sleep(max(0.0, args.pop("start_at") - time.time()))
print(json.dumps(deliver(**args)))
"""


def deliver(bucket: str, key: str, name: str, seq: str, version: str | None = None) -> Any:
    """Hand the ingest function one SQS message holding this S3 event; its batch response."""
    event = s3_event_message(bucket, key, name, seq, version)
    return load_handler_module("ingest").lambda_handler(event, LambdaContext())


def in_child(endpoint: str, start_at: float = 0.0, **event: str) -> subprocess.Popen[str]:
    """``deliver`` in another process (another container), talking to ``endpoint``."""
    env = dict(os.environ, OPENSEARCH_ENDPOINT=endpoint, POWERTOOLS_LOG_LEVEL="WARNING")
    paths = [env.get("PYTHONPATH", ""), str(ROOT), str(ROOT / "tools" / "local")]
    env["PYTHONPATH"] = os.pathsep.join(p for p in paths if p)
    return subprocess.Popen(
        [sys.executable, "-c", CHILD, json.dumps({**event, "start_at": start_at})],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def response(child: subprocess.Popen[str]) -> Any:
    out, err = child.communicate(timeout=120)
    assert child.returncode == 0, err[-2000:]
    return json.loads(out.strip().splitlines()[-1])


@pytest.fixture
def alias(monkeypatch, fresh_index_alias) -> str:
    monkeypatch.setenv("ARTICLES_INDEX", fresh_index_alias)
    monkeypatch.setenv("BULK_MAX_ACTIONS", "100")
    monkeypatch.setenv("POWERTOOLS_METRICS_DISABLED", "true")
    return fresh_index_alias


@pytest.fixture
def bucket(s3_bucket) -> str:
    boto3.client("s3").put_bucket_versioning(
        Bucket=s3_bucket, VersioningConfiguration={"Status": "Enabled"}
    )
    return s3_bucket


@pytest.fixture
def slow(settings) -> Iterator[FaultProxy]:
    """OpenSearch as a busy domain answers the other container."""
    proxy = FaultProxy(settings.opensearch_endpoint).start()
    yield proxy
    proxy.stop()


def batch(n: int) -> bytes:
    return "".join(
        json.dumps({"id": f"art-{i:05d}", "title": f"Berita {i}", "body": f"Isi berita {i}."})
        + "\n"
        for i in range(n)
    ).encode()


def count(os_client, alias: str, source: str | None = None) -> int:
    os_client.indices.refresh(index=alias)
    query = {"query": {"term": {"source": source}}} if source else None
    return int(os_client.count(index=alias, body=query)["count"])


def report(bucket: str, key: str) -> dict[str, Any]:
    body = boto3.client("s3").get_object(Bucket=bucket, Key=f"reports/{key}.json")["Body"]
    return dict(json.loads(body.read()))


def test_a_rename_handled_by_two_containers_at_once_loses_no_article(
    alias, bucket, slow, settings, os_client
):
    n = 2_000
    s3 = boto3.client("s3")
    va = s3.put_object(Bucket=bucket, Key="uploads/a.ndjson", Body=batch(n))["VersionId"]
    assert deliver(bucket, "uploads/a.ndjson", PUT, "10", va) == OK
    # aws s3 mv a b: copy, then delete.
    vb = s3.copy_object(
        Bucket=bucket,
        Key="uploads/b.ndjson",
        CopySource={"Bucket": bucket, "Key": "uploads/a.ndjson"},
    )["VersionId"]
    marker = s3.delete_object(Bucket=bucket, Key="uploads/a.ndjson")["VersionId"]

    # B's put in one container, on a busy domain (each bulk request takes 0.3 s more)...
    slow.add(Fault("delay", path_contains="_bulk", delay_s=0.3))
    put_b = in_child(
        slow.url, bucket=bucket, key="uploads/b.ndjson", name=PUT, seq="20", version=vb
    )
    deadline = time.monotonic() + 40
    while count(os_client, alias, f"{bucket}/uploads/b.ndjson") < 300:
        assert time.monotonic() < deadline and put_b.poll() is None, "B's put never got going"
        time.sleep(0.2)
    # ...and A's delete in this one, while B's put is writing: it waits for the lease.
    assert deliver(bucket, "uploads/a.ndjson", MARKER, "11", marker) == OK

    assert response(put_b) == OK
    assert count(os_client, alias) == n
    assert report(bucket, "uploads/b.ndjson")["status"] == "ok"
    removed = report(bucket, "uploads/a.ndjson")
    assert removed["status"] == "removed" and removed["counts"]["deleted"] == 0


def test_two_copies_deleted_in_two_containers_at_once_unpublish_the_batch(
    alias, bucket, slow, os_client
):
    n, keys = 3_000, ("uploads/satu.ndjson", "uploads/dua.ndjson")
    s3 = boto3.client("s3")
    for key in keys:
        version = s3.put_object(Bucket=bucket, Key=key, Body=batch(n))["VersionId"]
        assert deliver(bucket, key, PUT, "10", version) == OK
    markers = {key: s3.delete_object(Bucket=bucket, Key=key)["VersionId"] for key in keys}

    # Asking which other objects hold the articles takes a second: both would ask before
    # either recorded its removal, and each would keep them for the other.
    slow.add(Fault("delay", path_contains="-uploads/_search", delay_s=1.0))
    start_at = time.time() + 6  # both children up and importing done
    children = [
        in_child(slow.url, start_at, bucket=bucket, key=key, name=MARKER, seq="20", version=m)
        for key, m in markers.items()
    ]

    assert [response(child) for child in children] == [OK, OK]
    assert count(os_client, alias) == 0
    deleted = [report(bucket, key)["counts"]["deleted"] for key in keys]
    assert sorted(deleted) == [0, n]
