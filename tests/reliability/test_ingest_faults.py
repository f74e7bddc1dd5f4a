"""Faults between the ingest handler and OpenSearch; after redelivery nothing is lost or doubled.

Each scenario uploads a few NDJSON objects (our own articles plus a few bad records), delivers
them to the real handler through the fault proxy while the fault lasts, ends the fault, and
redelivers the failed messages as SQS would until none fail. The audit then checks the index
against what was sent, and the figures go to the reliability report.
"""

from __future__ import annotations

import pytest

from tests.reliability.harness import BAD_RECORDS, Delivery, article, audit, budget_context
from tests.support.fault_proxy import Fault
from tests.support.handlers import load_handler_module

OBJECTS = 4
PER_OBJECT = 50


@pytest.fixture
def delivery(monkeypatch, fresh_index_alias, fault_proxy, s3_bucket) -> Delivery:
    monkeypatch.setenv("OPENSEARCH_ENDPOINT", fault_proxy.url)
    monkeypatch.setenv("ARTICLES_INDEX", fresh_index_alias)
    monkeypatch.setenv("OPENSEARCH_TIMEOUT_S", "1")
    monkeypatch.setenv("OPENSEARCH_MAX_RETRIES", "1")
    monkeypatch.setenv("INGEST_TIME_MARGIN_MS", "1000")
    monkeypatch.setenv("BULK_MAX_ACTIONS", "20")
    # An invocation whose time runs out entirely (the deadline scenario) is one Lambda would
    # kill: its lease expires instead of being released, and redelivery waits for that. The
    # shortest TTL the settings allow keeps that wait to 30 s of the suite, not 120 s.
    monkeypatch.setenv("INGEST_LEASE_TTL_S", "30")
    return Delivery(load_handler_module("ingest").lambda_handler, s3_bucket)


def upload_batch(delivery: Delivery, scenario: str) -> list[dict]:
    return [
        delivery.upload(
            f"uploads/{scenario}/batch-{n}.ndjson",
            [article(f"{scenario}-{n}-{i}") for i in range(PER_OBJECT)],
            BAD_RECORDS,
        )
        for n in range(OBJECTS)
    ]


def finish(record, scenario: str, injected: str, delivery, proxy, os_client, alias, **extra):
    """Redeliver to completion, audit, record the figures and assert zero loss."""
    failed_first = extra.pop("failed_first")
    proxy.clear()
    rounds = delivery.until_done(failed_first)
    result = audit(os_client, alias, delivery)
    record(
        scenario,
        injected=injected,
        articles=result.articles,
        bad_records=result.bad_records,
        reported_rejected=result.reported_rejected,
        objects=len(delivery.sent.bad),
        deliveries=delivery.deliveries,
        deliveries_beyond_one_per_object=delivery.deliveries - len(delivery.sent.bad),
        redelivery_rounds=rounds,
        faults_fired=sum(v for k, v in proxy.stats.items() if k.startswith("fault:")),
        bulk_items_429=proxy.stats["bulk_items_429"],
        lost=len(result.lost),
        duplicated=len(result.duplicated),
        stale=len(result.stale),
        **extra,
    )
    assert result.lost == [] and result.duplicated == [] and result.stale == []
    assert result.reported_rejected == result.bad_records and result.unexplained == 0
    assert result.indexed == result.articles


FAULTS = {
    "bulk_items_429": (
        Fault("bulk_429", share=0.3),
        "30% of the items of every _bulk answered 429",
    ),
    "bulk_429_whole_request": (
        Fault("status", status=429, path_contains="_bulk"),
        "every _bulk answered 429 as a whole",
    ),
    "bulk_502": (Fault("status", status=502, path_contains="_bulk"), "every _bulk answered 502"),
    "bulk_503": (Fault("status", status=503, path_contains="_bulk"), "every _bulk answered 503"),
    "reset_before_forward": (
        Fault("reset_before", path_contains="_bulk", chance=0.5),
        "half the _bulk connections reset before reaching OpenSearch",
    ),
    "reset_after_write": (
        Fault("reset_after", path_contains="_bulk", chance=0.5),
        "half the _bulk connections reset after OpenSearch applied them",
    ),
    "delay_past_timeout": (
        Fault("delay", delay_s=1.5, path_contains="_bulk", chance=0.5),
        "half the _bulk responses held 1.5 s, past the 1 s client timeout (writes applied)",
    ),
}


@pytest.mark.parametrize("scenario", list(FAULTS))
def test_fault_during_ingestion_loses_nothing_after_redelivery(
    scenario, delivery, fault_proxy, os_client, fresh_index_alias, record
):
    fault, injected = FAULTS[scenario]
    messages = upload_batch(delivery, scenario)
    fault_proxy.add(fault)

    # While the fault lasts each invocation has 5 s; what cannot finish is failed for redelivery.
    failed_first = delivery.deliver(messages, lambda: budget_context(budget_ms=5_000))

    finish(
        record,
        f"ingest/{scenario}",
        injected,
        delivery,
        fault_proxy,
        os_client,
        fresh_index_alias,
        failed_first=failed_first,
        failed_while_faulty=len(failed_first),
    )


def test_time_budget_running_out_mid_object_is_redelivered_without_loss(
    delivery, fault_proxy, os_client, fresh_index_alias, record
):
    messages = upload_batch(delivery, "deadline")
    # The deadline is read once per article: it expires after 70 articles, mid second object.
    context = budget_context(budget_ms=60_000, expire_after_calls=70)

    failed_first = delivery.deliver(messages, context)

    assert 0 < len(failed_first) <= OBJECTS
    finish(
        record,
        "ingest/time_budget_mid_object",
        "Lambda context whose remaining time drops to 0 after 70 deadline checks",
        delivery,
        fault_proxy,
        os_client,
        fresh_index_alias,
        failed_first=failed_first,
        failed_while_faulty=len(failed_first),
    )


def test_duplicate_and_out_of_order_delivery_keep_one_newest_copy(
    delivery, fault_proxy, os_client, fresh_index_alias, record
):
    ids = [f"urut-{i}" for i in range(PER_OBJECT)]
    newer = delivery.upload("uploads/urut/v3.ndjson", [article(i, 3) for i in ids], BAD_RECORDS)
    older = delivery.upload("uploads/urut/v1.ndjson", [article(i, 1) for i in ids], BAD_RECORDS)
    middle = delivery.upload("uploads/urut/v2.ndjson", [article(i, 2) for i in ids[:25]])

    # The newer edit first, then the same message twice in one batch and again later, then older.
    failed = delivery.deliver([newer, newer, older], budget_context())
    failed += delivery.deliver([middle, newer, older], budget_context())

    assert failed == []
    assert delivery.report("uploads/urut/v1.ndjson")["counts"]["skipped_older"] == PER_OBJECT
    assert delivery.report("uploads/urut/v2.ndjson")["counts"]["skipped_older"] == 25
    finish(
        record,
        "ingest/duplicate_and_out_of_order",
        "v3 delivered twice in one batch and once more later; v1 and v2 (older) after it",
        delivery,
        fault_proxy,
        os_client,
        fresh_index_alias,
        failed_first=[],
        failed_while_faulty=0,
    )
