"""The OpenSearch node stopped in the middle of a batch and restarted: nothing lost.

This uses a node of its own on port 9290
(``OPENSEARCH_PORT=9290 tools/scripts/opensearch-local.sh``), never the shared one on 9200 that
other test runs use. It is stopped when the third _bulk request of the batch arrives, stays down
through one redelivery round, and is started again.
"""

from __future__ import annotations

import os
import subprocess
import threading
from collections.abc import Iterator

import pytest
from cariberita.config import Settings
from cariberita.index.manager import aliased_indices, ensure_index
from cariberita.opensearch_client import build_client

from tests.reliability.harness import BAD_RECORDS, Delivery, article, audit, budget_context
from tests.support.fault_proxy import FaultProxy
from tests.support.handlers import load_handler_module

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PORT = os.environ.get("RELIABILITY_NODE_PORT", "9290")


def node(action: str) -> str:
    env = {k: v for k, v in os.environ.items() if k != "OPENSEARCH_ENDPOINT"}
    env.update(
        OPENSEARCH_PORT=PORT, OPENSEARCH_HEAP=os.environ.get("RELIABILITY_NODE_HEAP", "512m")
    )
    proc = subprocess.run(
        [f"{ROOT}/tools/scripts/opensearch-local.sh", action],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    if proc.returncode != 0:
        pytest.fail(f"own node on {PORT}: {action} failed:\n{proc.stderr[-3000:]}", pytrace=False)
    return proc.stdout.strip().splitlines()[-1] if proc.stdout.strip() else ""


@pytest.fixture(scope="module")
def own_node() -> Iterator[str]:
    url = node("start")
    yield url
    node("stop")


@pytest.fixture
def own_alias(own_node) -> Iterator[str]:
    client = build_client(Settings(OPENSEARCH_ENDPOINT=own_node, OPENSEARCH_TIMEOUT_S=30))
    alias = f"t-restart-{os.getpid()}"
    ensure_index(client, alias)
    yield alias
    for index in aliased_indices(client, alias):
        client.indices.delete(index=index, ignore_unavailable=True)


def test_node_stopped_and_restarted_mid_batch_loses_nothing(
    own_node, own_alias, monkeypatch, s3_bucket, record
):
    with FaultProxy(own_node) as proxy:
        monkeypatch.setenv("OPENSEARCH_ENDPOINT", proxy.url)
        monkeypatch.setenv("ARTICLES_INDEX", own_alias)
        monkeypatch.setenv("OPENSEARCH_TIMEOUT_S", "2")
        monkeypatch.setenv("OPENSEARCH_MAX_RETRIES", "1")
        monkeypatch.setenv("INGEST_TIME_MARGIN_MS", "1000")
        monkeypatch.setenv("BULK_MAX_ACTIONS", "20")
        delivery = Delivery(load_handler_module("ingest").lambda_handler, s3_bucket)
        messages = [
            delivery.upload(
                f"uploads/restart/batch-{n}.ndjson",
                [article(f"restart-{n}-{i}") for i in range(50)],
                BAD_RECORDS,
            )
            for n in range(4)
        ]
        bulks: list[str] = []
        stopped = threading.Event()

        def stop_on_third_bulk(method: str, path: str) -> None:
            if "_bulk" in path:
                bulks.append(path)
                if len(bulks) == 3 and not stopped.is_set():
                    stopped.set()
                    node("stop")  # this request then meets a dead node

        proxy.before_forward = stop_on_third_bulk
        failed = delivery.deliver(messages, lambda: budget_context(budget_ms=6_000))
        assert stopped.is_set() and failed
        failed_during_outage = delivery.deliver(failed, lambda: budget_context(budget_ms=4_000))
        assert failed_during_outage == failed  # still down: everything comes back
        node("start")
        rounds = delivery.until_done(failed_during_outage)

        client = build_client(Settings(OPENSEARCH_ENDPOINT=own_node, OPENSEARCH_TIMEOUT_S=30))
        result = audit(client, own_alias, delivery)
        record(
            "ingest/node_stopped_and_restarted",
            injected="own node stopped at the 3rd _bulk request, down for one redelivery round, "
            "then restarted",
            articles=result.articles,
            bad_records=result.bad_records,
            reported_rejected=result.reported_rejected,
            objects=4,
            deliveries=delivery.deliveries,
            deliveries_beyond_one_per_object=delivery.deliveries - 4,
            failed_while_faulty=len(failed),
            redelivery_rounds=rounds + 1,
            upstream_down_answers=proxy.stats["upstream_down"],
            lost=len(result.lost),
            duplicated=len(result.duplicated),
            stale=len(result.stale),
        )
        assert result.lost == [] and result.duplicated == [] and result.stale == []
        assert result.reported_rejected == result.bad_records and result.unexplained == 0
