"""OpenSearch slow, overloaded or cutting connections: the API answers 503 + Retry-After, no leak.

A fault-injecting proxy (tests/support/fault_proxy.py) sits between the handler and the node.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.relevance.api import env, invoke
from tests.relevance.corpus import load, sample_records
from tests.support.fault_proxy import Fault, FaultProxy

pytestmark = pytest.mark.filterwarnings("ignore:No application metrics")


@pytest.fixture(scope="module")
def proxy(os_client, index_alias, opensearch_endpoint) -> Iterator[FaultProxy]:
    load(os_client, index_alias, sample_records(), "samples/batch-berita.ndjson")
    with FaultProxy(opensearch_endpoint) as running, pytest.MonkeyPatch.context() as mp:
        variables = env(
            running.url, index_alias, OPENSEARCH_MAX_RETRIES="0", SEARCH_TIMEOUT_MS="300"
        )
        for name, value in variables.items():
            mp.setenv(name, value)
        yield running


@pytest.fixture(autouse=True)
def _clear_faults(proxy: FaultProxy) -> Iterator[None]:
    yield
    proxy.faults.clear()


def assert_unavailable(reply) -> None:
    assert reply.status == 503, reply.body
    assert reply.body["error"]["code"] == "unavailable"
    assert int(reply.headers["Retry-After"]) > 0
    assert reply.headers["Cache-Control"] == "no-store"
    assert "opensearch" not in reply.body["error"]["message"].lower()


def test_through_the_proxy_search_works(proxy):
    reply = invoke("search-basic")
    assert reply.status == 200
    assert reply.body["total"]["value"] > 0


def test_search_slower_than_the_budget_is_503(proxy):
    proxy.add(Fault("delay", path_contains="_search", delay_s=3.0))
    assert_unavailable(invoke("search-basic"))


@pytest.mark.parametrize("status", [429, 502, 503])
def test_overloaded_node_is_503(proxy, status):
    proxy.add(Fault("status", status=status, path_contains="_search"))
    assert_unavailable(invoke("search-basic"))


def test_reset_connection_is_503(proxy):
    proxy.add(Fault("reset_before", path_contains="_search"))
    assert_unavailable(invoke("search-suggest"))


def test_one_cut_connection_costs_a_pause_not_a_503(proxy):
    # A node leaving or joining closes what it holds; the next connection reaches a live one.
    proxy.add(Fault("reset_before", path_contains="_search", times=1))
    reply = invoke("search-basic")
    assert reply.status == 200, reply.body
    assert reply.body["total"]["value"] > 0


def test_a_connection_cut_twice_is_503(proxy):
    proxy.add(Fault("reset_before", path_contains="_search", times=2))
    assert_unavailable(invoke("search-basic"))


def test_article_lookup_on_a_failing_node_is_503_not_404(proxy):
    proxy.add(Fault("status", status=503, path_contains="/_doc/"))
    assert_unavailable(invoke("search-article"))
