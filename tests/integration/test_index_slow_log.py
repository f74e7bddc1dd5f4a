"""Every way an articles index comes to be (created, deployed over, reindexed, resumed) leaves
it with the shipped search slow-log thresholds, on the real node."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from cariberita.index import manager, reindex, reindex_versions
from cariberita.index.mapping import INDEX_VERSION, SEARCH_SLOW_LOG, index_body

from tests.support.names import unique_name

NEW = INDEX_VERSION + 1


def stored_settings(os_client, index: str) -> dict[str, Any]:
    settings: dict[str, Any] = os_client.indices.get_settings(index=index)[index]["settings"]
    return settings["index"]


def without_thresholds() -> dict[str, Any]:
    """The index body of before the thresholds."""
    body = index_body()
    for key in SEARCH_SLOW_LOG:
        del body["settings"]["index"][key]
    return body


@pytest.fixture
def alias(os_client) -> Iterator[str]:
    """An alias with nothing behind it yet; every version is deleted afterwards."""
    name = unique_name("t-slowlog")
    yield name
    for index in reindex_versions.versions(os_client, name):
        os_client.indices.delete(index=index, ignore_unavailable=True)


def test_an_index_the_manager_creates_logs_slow_searches(os_client, alias):
    assert manager.ensure_index(os_client, alias) == "created"
    stored = stored_settings(os_client, f"{alias}-v{INDEX_VERSION}")
    thresholds = stored["search"]["slowlog"]["threshold"]  # GET _settings nests dotted names
    for phase in ("query", "fetch"):
        for level in ("warn", "info"):
            wanted = SEARCH_SLOW_LOG[f"search.slowlog.threshold.{phase}.{level}"]
            assert thresholds[phase][level] == wanted
    assert manager.slow_log_changes(stored) == {}


def test_a_deploy_gives_an_index_from_before_the_thresholds_its_slow_log(os_client, alias):
    live = f"{alias}-v{INDEX_VERSION}"
    os_client.indices.create(index=live, body={**without_thresholds(), "aliases": {alias: {}}})
    assert "search" not in stored_settings(os_client, live)

    assert manager.ensure_index(os_client, alias) == "updated"  # applied live, never closed
    assert manager.slow_log_changes(stored_settings(os_client, live)) == {}
    assert manager.ensure_index(os_client, alias) == "unchanged"


def test_a_reindex_builds_the_new_version_with_the_thresholds(os_client, alias):
    live = f"{alias}-v{INDEX_VERSION}"
    os_client.indices.create(index=live, body={**without_thresholds(), "aliases": {alias: {}}})

    assert reindex.reindex(os_client, alias)["to"] == f"{alias}-v{NEW}"
    assert manager.slow_log_changes(stored_settings(os_client, f"{alias}-v{NEW}")) == {}
    assert manager.ensure_index(os_client, alias) == "unchanged"


def test_a_resume_into_a_version_created_before_the_thresholds_gives_it_them(os_client, alias):
    manager.ensure_index(os_client, alias)
    target = f"{alias}-v{NEW}"
    os_client.indices.create(index=target, body=without_thresholds())  # a stopped older run's

    assert reindex.reindex(os_client, alias, NEW)["to"] == target
    assert manager.slow_log_changes(stored_settings(os_client, target)) == {}
