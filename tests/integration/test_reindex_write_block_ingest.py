"""Ingest while the index refuses writes (a reindex's last step, a full disk, a closed index).

The articles wait in the queue (the message fails and is redelivered) and nobody is told they
were rejected; once the block is lifted the redelivery indexes them all.
"""

from __future__ import annotations

import pytest
from cariberita.index.mapping import INDEX_VERSION
from cariberita.ingest.opensearch_writer import classify

from tests.reliability.harness import Delivery, article, audit, budget_context
from tests.support.handlers import load_handler_module

BLOCK = "index.blocks.write"


@pytest.fixture
def delivery(monkeypatch, fresh_index_alias, s3_bucket, opensearch_endpoint) -> Delivery:
    monkeypatch.setenv("ARTICLES_INDEX", fresh_index_alias)
    monkeypatch.setenv("INGEST_TIME_MARGIN_MS", "1000")
    return Delivery(load_handler_module("ingest").lambda_handler, s3_bucket)


def test_a_write_blocked_index_delays_articles_and_rejects_none(
    os_client, fresh_index_alias, delivery
):
    live = f"{fresh_index_alias}-v{INDEX_VERSION}"
    messages = [
        delivery.upload(
            f"uploads/blok/batch-{n}.ndjson", [article(f"blok-{n}-{i}") for i in range(20)]
        )
        for n in range(2)
    ]
    os_client.indices.put_settings(index=live, body={BLOCK: True})
    try:
        failed = delivery.deliver(messages, lambda: budget_context(budget_ms=4_000))
        assert len(failed) == len(messages)  # back to the queue, every one of them
        for key in delivery.sent.bad:
            try:
                report = delivery.report(key)
            except delivery.s3.exceptions.NoSuchKey:
                continue  # no report yet: nothing was said to the editors
            assert report["counts"].get("rejected", 0) == 0, report
        assert os_client.count(index=fresh_index_alias)["count"] == 0
    finally:
        os_client.indices.put_settings(index=live, body={BLOCK: None})

    delivery.until_done(failed)
    result = audit(os_client, fresh_index_alias, delivery)
    assert result.lost == [] and result.duplicated == [] and result.reported_rejected == 0
    assert result.indexed == 40


@pytest.mark.parametrize(
    "item",
    [
        # As the node answers them (recorded from OpenSearch 2.19):
        {
            "status": 403,
            "error": {
                "type": "cluster_block_exception",
                "reason": "index [a-v1] blocked by: [FORBIDDEN/8/index write (api)];",
            },
        },
        {
            "status": 403,
            "error": {
                "type": "cluster_block_exception",
                "reason": "index [a-v1] blocked by: [TOO_MANY_REQUESTS/12/disk usage exceeded "
                "flood-stage watermark, index has read-only-allow-delete block];",
            },
        },
        {"status": 400, "error": {"type": "index_closed_exception", "reason": "closed"}},
        {"status": 429, "error": {"type": "es_rejected_execution_exception", "reason": "full"}},
    ],
)
def test_index_trouble_is_retryable_not_a_rejection(item):
    assert classify("index", item).result == "retryable"
    assert classify("delete", item).result == "retryable"


def test_a_bad_article_is_still_rejected():
    item = {"status": 400, "error": {"type": "mapper_parsing_exception", "reason": "bad"}}
    assert classify("index", item).result == "rejected"
