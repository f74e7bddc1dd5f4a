"""Schemathesis against api/openapi.json and the local API running the real search handler.

The local API (tools/local/cariberita_local/api_server.py) is started in-process on a free loopback
port in front of real OpenSearch with our own sample articles. Every generated request must get
a non-5xx answer that conforms to the document (status, content type, headers, body schema).
"""

from __future__ import annotations

import os
import threading
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import (
    negative_data_rejection,
    positive_data_acceptance,
    unsupported_method,
)

from tests.relevance.corpus import load_search_index
from tests.reliability.harness import local_search_api

OPENAPI = Path(__file__).resolve().parents[2] / "api" / "openapi.json"
# Hypothesis stops early where an operation has few distinct inputs (/health, /categories).
EXAMPLES_PER_OPERATION = 330

schema = schemathesis.openapi.from_path(str(OPENAPI))
# positive_data_acceptance: a schema-valid value can still be refused with the documented 400
# (a cursor is a signed token, date_to must not precede date_from). unsupported_method expects
# 405; API Gateway (and so the local API) answers an undeclared method with 403.
# negative_data_rejection: query values travel as text, so a generated "wrong type" such as
# category=false is, on the wire, the valid category "false"; the typed parameters are checked
# for refusal explicitly (test_attacks.py deep paging, test_numeric_date_is_refused below).
EXCLUDED = [positive_data_acceptance, unsupported_method, negative_data_rejection]
LOCAL_VERBS = {"GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD"}
pytestmark = pytest.mark.filterwarnings("ignore:No application metrics")
SEEN: Counter[str] = Counter()
OPERATIONS: set[str] = set()
_lock = threading.Lock()


@pytest.fixture(scope="module")
def api_url(os_client, index_alias, settings) -> Iterator[str]:
    load_search_index(os_client, index_alias, None)
    with local_search_api(settings.opensearch_endpoint, index_alias, containers=2) as url:
        yield url


@pytest.fixture(scope="module")
def session() -> Iterator[requests.Session]:
    with requests.Session() as s:
        yield s


@pytest.fixture(scope="module", autouse=True)
def _record_totals(record) -> Iterator[None]:
    yield
    record(
        "api/schemathesis",
        injected="Schemathesis-generated requests (valid and invalid by the document) for every "
        "operation of api/openapi.json, through the local API and the real search handler",
        requests=sum(SEEN.values()),
        status_counts=dict(sorted(SEEN.items())),
        server_errors=sum(v for k, v in SEEN.items() if k.startswith("5")),
        lost=0,
    )
    if len(OPERATIONS) == len(list(schema.get_all_operations())):  # a full run, not a -k subset
        assert sum(SEEN.values()) >= 1_000


@schema.parametrize()
@settings(
    max_examples=EXAMPLES_PER_OPERATION,
    deadline=None,
    database=None,
    derandomize=os.environ.get("CI") == "true",
    suppress_health_check=list(HealthCheck),
)
def test_generated_requests_get_no_5xx_and_conform_to_the_document(case, api_url, session):
    if case.method.upper() not in LOCAL_VERBS:  # test_known_bug_other_methods_get_403
        return
    response = case.call_and_validate(
        base_url=api_url, session=session, timeout=30, excluded_checks=EXCLUDED
    )
    with _lock:
        SEEN[str(response.status_code)] += 1
        OPERATIONS.add(case.operation.label)


@pytest.mark.parametrize("method", ["TRACE", "QUERY"])
def test_other_methods_get_api_gateways_403(api_url, session, method):
    assert session.request(method, f"{api_url}/search", timeout=10).status_code == 403


@pytest.mark.parametrize("value", ["0", "20240301", "1e9", "2024-3-1", "2024-02-30"])
def test_numeric_or_malformed_date_is_refused(api_url, session, value):
    reply = session.get(f"{api_url}/search", params={"date_to": value}, timeout=10)
    assert reply.status_code == 400 and reply.json()["error"]["field"] == "date_to"
