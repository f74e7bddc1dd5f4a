"""Load on loopback: concurrent searches through the local API while many small objects are
ingested by several concurrent "containers"; bounded in count, zero errors, no lost article."""

from __future__ import annotations

import os
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from cariberita_local.lambda_runtime import load_handler

from tests.reliability.harness import Delivery, article, audit, budget_context

pytestmark = [pytest.mark.filterwarnings("ignore:No application metrics"), pytest.mark.timeout(600)]

# `make reliability-full` (RELIABILITY_FULL=1) runs five times the objects and requests.
SCALE = 5 if os.environ.get("RELIABILITY_FULL") == "1" else 1
SEARCH_CLIENTS = 12
REQUESTS_PER_CLIENT = 60 * SCALE
INGEST_CONTAINERS = 4
OBJECTS = 200 * SCALE
PER_OBJECT = 5
QUERIES = [
    ("/search", {"q": "jalan"}),
    ("/search", {"q": "perbaikan jalan kelurahan", "size": "20"}),
    ("/search", {"q": "warga", "sort": "newest", "page": "2"}),
    ("/search", {}),
    ("/suggest", {"q": "war"}),
    ("/categories", {}),
    ("/health", {}),
]


def search_client(url: str, n: int) -> Counter[str]:
    seen: Counter[str] = Counter()
    with requests.Session() as session:
        for i in range(REQUESTS_PER_CLIENT):
            path, params = QUERIES[(n + i) % len(QUERIES)]
            reply = session.get(url + path, params=params, timeout=60)
            seen[str(reply.status_code)] += 1
            reply.json()
    return seen


def ingest_container(template: Delivery, messages: list[dict]) -> int:
    """One 'container': its own copy of the handler module, batches of 5 messages."""
    container = Delivery(load_handler("ingest"), template.bucket, batch_size=5)
    rounds = container.until_done(messages, budget_context, max_rounds=4)
    return container.deliveries - len(messages) + rounds - 1


def test_concurrent_search_and_ingestion_have_zero_errors_and_lose_nothing(
    search_stack, os_client, record
):
    delivery: Delivery = search_stack["delivery"]
    messages = [
        delivery.upload(
            f"uploads/beban/{n}.ndjson",
            [article(f"beban-{n}-{i}") for i in range(PER_OBJECT)],
        )
        for n in range(OBJECTS)
    ]
    shares = [messages[i::INGEST_CONTAINERS] for i in range(INGEST_CONTAINERS)]

    started = time.monotonic()
    with ThreadPoolExecutor(SEARCH_CLIENTS + INGEST_CONTAINERS) as pool:
        searches = [
            pool.submit(search_client, search_stack["url"], n) for n in range(SEARCH_CLIENTS)
        ]
        ingests = [pool.submit(ingest_container, delivery, share) for share in shares]
        statuses = sum((f.result() for f in searches), Counter())
        extra_deliveries = sum(f.result() for f in ingests)
    elapsed = time.monotonic() - started

    result = audit(os_client, search_stack["alias"], delivery)
    record(
        "load/search_and_ingest_concurrently",
        injected=f"{SEARCH_CLIENTS} concurrent search clients x {REQUESTS_PER_CLIENT} requests "
        f"while {INGEST_CONTAINERS} concurrent ingest containers took {OBJECTS} objects of "
        f"{PER_OBJECT} articles (loopback)",
        requests=sum(statuses.values()),
        status_counts=dict(statuses),
        errors=sum(v for k, v in statuses.items() if k != "200"),
        articles=result.articles,
        objects=OBJECTS,
        extra_deliveries=extra_deliveries,
        lost=len(result.lost),
        duplicated=len(result.duplicated),
        wall_seconds=round(elapsed, 1),
    )
    assert statuses == Counter({"200": SEARCH_CLIENTS * REQUESTS_PER_CLIENT})
    assert result.lost == [] and result.duplicated == [] and result.stale == []
    assert result.indexed == OBJECTS * PER_OBJECT
