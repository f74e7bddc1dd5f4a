"""The transport retries little: once on a refused connection for search, never for ingest."""

from __future__ import annotations

import pytest
from cariberita.config import Settings
from cariberita.opensearch_client import NO_RETRIES, QUICK_RETRY, build_client
from opensearchpy import exceptions as os_errors

SETTINGS = Settings(OPENSEARCH_ENDPOINT="http://127.0.0.1:9")


def attempts(client, error: Exception) -> int:
    """How many times the transport sends one search that always fails with ``error``."""
    calls = 0
    connection = client.transport.get_connection()

    def fail(*args, **kwargs):
        nonlocal calls
        calls += 1
        raise error

    connection.perform_request = fail
    client.transport.get_connection = lambda: connection
    with pytest.raises(type(error)):
        client.search(index="a", body={})
    return calls


REFUSED = os_errors.ConnectionError("N/A", "refused", None)
TIMEOUT = os_errors.ConnectionTimeout("TIMEOUT", "read timed out", None)
BUSY = os_errors.TransportError(503, "unavailable", {})
THROTTLED = os_errors.TransportError(429, "too many requests", {})


@pytest.mark.parametrize(
    ("error", "expected"),
    [(REFUSED, 2), (TIMEOUT, 1), (BUSY, 1), (THROTTLED, 1)],
    ids=["refused-once-more", "timeout-never", "503-never", "429-never"],
)
def test_search_retries_once_and_only_a_refused_connection(error, expected):
    assert attempts(build_client(SETTINGS, QUICK_RETRY), error) == expected


@pytest.mark.parametrize("error", [REFUSED, TIMEOUT, BUSY, THROTTLED])
def test_the_ingest_client_never_retries(error):
    assert attempts(build_client(SETTINGS, NO_RETRIES), error) == 1


def test_opensearch_max_retries_zero_turns_the_quick_retry_off():
    settings = SETTINGS.model_copy(update={"opensearch_max_retries": 0})
    assert attempts(build_client(settings), REFUSED) == 1
