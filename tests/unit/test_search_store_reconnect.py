"""A node that closes the connection mid-request (killed, stopping, starting) costs a reader one
pause, not a 503: the store asks once more on a fresh connection (search/store.py,
RECONNECT_PAUSE_S; docs/reliability.md, "Three-node cluster"). Never after a timeout."""

from __future__ import annotations

from typing import Any

import pytest
from cariberita.errors import SearchUnavailable
from cariberita.search import store as store_module
from cariberita.search.store import OpenSearchStore
from opensearchpy import exceptions as os_errors

EMPTY = {"took": 1, "hits": {"total": {"value": 0, "relation": "eq"}, "hits": []}}
CLOSED = os_errors.ConnectionError(
    "N/A", "('Connection aborted.', RemoteDisconnected('Remote end closed connection'))", None
)
TIMED_OUT = os_errors.ConnectionTimeout("TIMEOUT", "Read timed out. (read timeout=3.0)", None)


class ScriptedClient:
    """Raises the scripted errors in turn, then answers."""

    def __init__(self, *errors: Exception) -> None:
        self.errors = list(errors)
        self.calls = 0

    def _next(self) -> dict[str, Any]:
        self.calls += 1
        if self.errors:
            raise self.errors.pop(0)
        return EMPTY

    def search(self, **kwargs: Any) -> dict[str, Any]:
        return self._next()

    def get(self, **kwargs: Any) -> dict[str, Any]:
        return {"_id": kwargs["id"], "found": True, "_source": {}} | self._next()

    def count(self, **kwargs: Any) -> dict[str, Any]:
        return {"count": 7} | self._next()


@pytest.fixture
def pauses(monkeypatch) -> list[float]:
    slept: list[float] = []
    monkeypatch.setattr(store_module.time, "sleep", slept.append)
    return slept


def store_over(client: ScriptedClient) -> OpenSearchStore:
    return OpenSearchStore(client, "articles", 1000)  # type: ignore[arg-type]


def test_a_closed_connection_is_asked_again_after_a_pause(pauses):
    client = ScriptedClient(CLOSED)
    assert store_over(client).search({"query": {"match_all": {}}}) == EMPTY
    assert (client.calls, pauses) == (2, [store_module.RECONNECT_PAUSE_S])


@pytest.mark.parametrize("call", ["get", "ping"])
def test_every_read_is_asked_again(call, pauses):
    client = ScriptedClient(CLOSED)
    store = store_over(client)
    store.get("a-1") if call == "get" else store.ping()
    assert client.calls == 2


def test_a_second_closed_connection_is_a_503(pauses):
    client = ScriptedClient(CLOSED, CLOSED)
    with pytest.raises(SearchUnavailable):
        store_over(client).search({})
    assert client.calls == 2  # one more, not a loop


def test_a_timeout_is_not_asked_again(pauses):
    # The node may still be running the first query; a second would double its load.
    client = ScriptedClient(TIMED_OUT)
    with pytest.raises(SearchUnavailable):
        store_over(client).search({})
    assert (client.calls, pauses) == (1, [])


def test_a_slow_failure_is_not_asked_again(pauses, monkeypatch):
    clock = iter([0.0, store_module.RECONNECT_WITHIN_S + 0.1])
    monkeypatch.setattr(store_module.time, "monotonic", lambda: next(clock))
    client = ScriptedClient(CLOSED)
    with pytest.raises(SearchUnavailable):
        store_over(client).search({})
    assert (client.calls, pauses) == (1, [])
