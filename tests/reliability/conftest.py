"""Reliability and security campaign: integration tier (real OpenSearch, never mocked).

The root conftest marks this folder ``reliability`` and ``integration``.
Scenarios record their figures through the ``record`` fixture into
test-artifacts/reliability.json, which ``make reliability-report`` turns into docs/reliability.md.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.support.fault_proxy import FaultProxy

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
ARTIFACT = Path(
    os.environ.get("RELIABILITY_ARTIFACT", ROOT / "test-artifacts" / "reliability.json")
)


@pytest.fixture
def fault_proxy(opensearch_endpoint: str) -> Iterator[FaultProxy]:
    """A fault-injecting proxy in front of the shared node; no fault until a test adds one."""
    with FaultProxy(opensearch_endpoint) as proxy:
        yield proxy


@pytest.fixture(scope="session")
def record() -> Iterator[Callable[..., None]]:
    """``record(scenario, injected=..., articles=..., lost=..., ...)``: one row of the report.

    Rows are merged into the artifact by scenario name, so a partial run updates its own rows.
    """
    rows: dict[str, dict[str, Any]] = {}

    def _record(scenario: str, **figures: Any) -> None:
        figures["recorded_at"] = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        rows[scenario] = figures

    yield _record
    if not rows:
        return
    ARTIFACT.parent.mkdir(parents=True, exist_ok=True)
    existing = json.loads(ARTIFACT.read_text()) if ARTIFACT.is_file() else {}
    existing.update(rows)
    ARTIFACT.write_text(json.dumps(existing, indent=2, ensure_ascii=False, sort_keys=True) + "\n")


@pytest.fixture(scope="module")
def search_stack(os_client, index_alias, settings, s3_endpoint) -> Iterator[dict[str, Any]]:
    """Articles ingested by the real ingest handler, served by the local API (real handler).

    Yields ``{"url", "alias", "bucket", "delivery"}``; the module's own index and bucket.
    """
    import boto3

    from tests.reliability.harness import Delivery, local_search_api
    from tests.support.handlers import load_handler_module
    from tests.support.names import unique_name

    bucket = unique_name("rel")
    boto3.client("s3").create_bucket(
        Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": "ap-southeast-3"}
    )
    with local_search_api(settings.opensearch_endpoint, index_alias, containers=4) as url:
        delivery = Delivery(load_handler_module("ingest").lambda_handler, bucket)
        yield {"url": url, "alias": index_alias, "bucket": bucket, "delivery": delivery}
