"""The fault proxy itself: each fault does what the scenarios rely on, against the real node."""

from __future__ import annotations

import pytest
from opensearchpy import OpenSearch, helpers
from opensearchpy.exceptions import ConnectionError as OSConnectionError
from opensearchpy.exceptions import ConnectionTimeout, TransportError

from tests.support.fault_proxy import Fault, FaultProxy


def _client(proxy: FaultProxy, timeout: float = 5, retries: int = 0) -> OpenSearch:
    # http_compress like the production client, so the proxy sees gzip bulk bodies.
    return OpenSearch(proxy.url, timeout=timeout, max_retries=retries, http_compress=True)


def _bulk_body(alias: str, ids: range) -> list[dict]:
    return [
        {
            "_op_type": "index",
            "_index": alias,
            "_id": f"p{i}",
            "id": f"p{i}",
            "title": f"Berita {i}",
        }
        for i in ids
    ]


def test_passes_requests_through_untouched(fault_proxy, index_alias):
    client = _client(fault_proxy)
    client.index(index=index_alias, id="a", body={"id": "a", "title": "Banjir"}, refresh=True)
    assert client.get(index=index_alias, id="a")["_source"]["title"] == "Banjir"
    assert client.indices.exists(index=index_alias)
    assert fault_proxy.stats["requests"] >= 3


def test_bulk_429_rejects_a_share_of_items_without_writing_them(
    fault_proxy, os_client, fresh_index_alias
):
    fault_proxy.add(Fault("bulk_429", share=0.5))
    client = _client(fault_proxy)
    ok, errors = helpers.bulk(
        client, _bulk_body(fresh_index_alias, range(40)), raise_on_error=False, refresh=True
    )
    rejected = {e["index"]["_id"] for e in errors}
    assert {e["index"]["status"] for e in errors} == {429}
    assert ok + len(rejected) == 40 and 0 < len(rejected) < 40
    assert fault_proxy.stats["bulk_items_429"] == len(rejected)
    stored = {h["_id"] for h in os_client.search(index=fresh_index_alias, size=100)["hits"]["hits"]}
    assert stored == {f"p{i}" for i in range(40)} - rejected


@pytest.mark.parametrize("status", [502, 503])
def test_whole_request_status_is_answered_without_forwarding(
    fault_proxy, os_client, fresh_index_alias, status
):
    fault_proxy.add(Fault("status", status=status, path_contains="_bulk", times=1))
    client = _client(fault_proxy)
    with pytest.raises(TransportError) as err:
        helpers.bulk(client, _bulk_body(fresh_index_alias, range(3)))
    assert err.value.status_code == status
    os_client.indices.refresh(index=fresh_index_alias)
    assert os_client.count(index=fresh_index_alias)["count"] == 0
    helpers.bulk(client, _bulk_body(fresh_index_alias, range(3)), refresh=True)  # times=1: spent
    assert os_client.count(index=fresh_index_alias)["count"] == 3


def test_reset_before_forwarding_loses_the_request(fault_proxy, os_client, fresh_index_alias):
    fault_proxy.add(Fault("reset_before", path_contains="_doc", times=1))
    with pytest.raises(OSConnectionError):
        _client(fault_proxy).index(index=fresh_index_alias, id="r", body={"id": "r"})
    os_client.indices.refresh(index=fresh_index_alias)
    assert not os_client.exists(index=fresh_index_alias, id="r")


def test_reset_after_forwarding_applies_the_write_but_fails_the_client(
    fault_proxy, os_client, fresh_index_alias
):
    fault_proxy.add(Fault("reset_after", path_contains="_doc", times=1))
    with pytest.raises(OSConnectionError):
        _client(fault_proxy).index(index=fresh_index_alias, id="r", body={"id": "r"})
    assert os_client.exists(index=fresh_index_alias, id="r")


def test_delay_past_client_timeout_times_out_after_the_write(
    fault_proxy, os_client, fresh_index_alias
):
    fault_proxy.add(Fault("delay", delay_s=3, path_contains="_doc", times=1))
    with pytest.raises(ConnectionTimeout):
        _client(fault_proxy, timeout=0.5).index(index=fresh_index_alias, id="d", body={"id": "d"})
    assert os_client.exists(index=fresh_index_alias, id="d")


def test_client_retries_ride_over_a_bounded_burst_of_503(fault_proxy):
    fault_proxy.add(Fault("status", status=503, times=2))
    client = OpenSearch(fault_proxy.url, max_retries=3, retry_on_status=(503,))
    # Any answer will do: a red leftover index of another run must not fail this test.
    assert client.cluster.health()["cluster_name"]
    assert fault_proxy.stats["fault:status"] == 2
