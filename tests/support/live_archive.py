"""A live archive as a deploy finds it, for the upgrade tests: ``<alias>-v<N>`` created with an
older definition behind the alias and filled the way ingest wrote then, the search function's
environment pointing at it (a new container per test)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from cariberita.index import reindex_versions
from opensearchpy import OpenSearch

from tests.relevance.api import env
from tests.support.handlers import load_handler_module


@contextmanager
def live_archive(
    os_client: OpenSearch,
    endpoint: str,
    monkeypatch: pytest.MonkeyPatch,
    index: str,
    alias: str,
    body: dict[str, Any],
    fill: Callable[[str], None],
) -> Iterator[str]:
    """``index`` created from ``body`` (settings and mappings) as ``alias``'s write index and
    filled by ``fill(alias)``; every version of the alias is deleted afterwards."""
    os_client.indices.create(
        index=index,
        body={
            "settings": body["settings"],
            "mappings": body["mappings"],
            "aliases": {alias: {"is_write_index": True}},
        },
    )
    fill(alias)
    for name, value in env(endpoint, alias).items():
        monkeypatch.setenv(name, value)
    load_handler_module("search").container_app.cache_clear()
    try:
        yield alias
    finally:
        for version in reindex_versions.versions(os_client, alias):
            os_client.indices.delete(index=version, ignore_unavailable=True)


def bootstrap(os_client: OpenSearch, alias: str) -> dict[str, Any]:
    """What the deploy's bootstrap custom resource does to ``alias`` (its ``Data``)."""
    data: dict[str, Any] = load_handler_module("bootstrap").ensure(
        {"Alias": alias, "Replicas": 0}, os_client
    )
    return data


def assert_deploy_leaves_it_open(os_client: OpenSearch, alias: str, live: str) -> None:
    """The deploy's bootstrap answers ``reindex_needed`` for ``live`` and leaves it open."""
    data = bootstrap(os_client, alias)
    assert data["Action"] == "reindex_needed" and data["Index"] == live, data
    state = os_client.cluster.state(index=live, metric="metadata")["metadata"]["indices"][live]
    assert state["state"] == "open"
