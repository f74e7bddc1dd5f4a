"""No code path closes the index readers use: analysis changes go through a new version.

A recording transport stands in for the cluster (opensearch-py's ``transport_class`` seam) and
answers as a live index whose analysis is older than the shipped one; every request the
manager sends is kept. The reindex, rollback and prune paths are recorded against the real
node in tests/integration/test_index_admin.py.
"""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any, ClassVar

import pytest
from cariberita.index import manager
from cariberita.index.mapping import index_body
from opensearchpy import OpenSearch
from opensearchpy.exceptions import NotFoundError

PACKAGE = Path(manager.__file__).resolve().parents[1]
ALIAS = "articles"


class RecordingCluster:
    """Transport double: one live index ``articles-v1`` behind the alias, requests recorded."""

    sent: ClassVar[list[tuple[str, str]]] = []
    exists: ClassVar[bool] = True

    def __init__(self, *_: Any, **__: Any) -> None:
        pass

    def perform_request(
        self,
        method: str,
        url: str,
        headers: Any = None,
        params: Any = None,
        body: Any = None,
        **_: Any,
    ) -> Any:
        type(self).sent.append((method, url))
        live = "articles-v1"
        if url.startswith("/_alias/"):
            if not type(self).exists:
                raise NotFoundError(404, "alias missing", {})
            return {live: {"aliases": {ALIAS: {"is_write_index": True}}}}
        if url.endswith("/_settings") and method == "GET":
            stored = index_body(replicas=0)["settings"]
            stored["analysis"]["filter"]["id_stop"]["stopwords"] = ["yang"]  # an older list
            return {live: {"settings": {"index": {**stored["index"], **stored}}}}
        if url.endswith("/_mapping") and method == "GET":
            return {live: {"mappings": index_body()["mappings"]}}
        if url.startswith("/_cluster/health"):
            return {"status": "green", "timed_out": False}
        if method == "HEAD":
            return False
        if url.endswith("/_count"):
            return {"count": 0}
        return {"acknowledged": True}


@pytest.fixture
def client() -> OpenSearch:
    RecordingCluster.sent = []
    RecordingCluster.exists = True
    return OpenSearch(transport_class=RecordingCluster)


def test_changed_analysis_is_reported_not_applied_by_closing(client):
    assert manager.ensure_index(client, ALIAS, replicas=1) == "reindex_needed"
    assert [u for _, u in RecordingCluster.sent if "_close" in u or "_open" in u] == []
    assert ("PUT", "/articles-v1/_settings") in RecordingCluster.sent  # the replicas, live


@pytest.mark.parametrize("exists", [True, False])
def test_no_manager_entry_point_sends_a_close(client, exists):
    RecordingCluster.exists = exists
    manager.ensure_index(client, ALIAS)
    manager.ensure_index(client, ALIAS, replicas=2)
    manager.status(client, ALIAS)
    assert RecordingCluster.sent, "the recorder saw the requests"
    assert [u for _, u in RecordingCluster.sent if "_close" in u] == []


def test_no_module_of_the_package_calls_an_index_close():
    """A new ``indices.close(...)`` or a raw ``_close`` path anywhere in the package fails this."""
    offenders = []
    for path in PACKAGE.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Attribute)
                and node.attr == "close"
                and isinstance(node.value, ast.Attribute)
                and node.value.attr == "indices"
            ):
                offenders.append(f"{path.name}:{node.lineno}")
            is_text = isinstance(node, ast.Constant) and isinstance(node.value, str)
            if is_text and "/_close" in node.value:
                offenders.append(f"{path.name}:{node.lineno}")
    assert offenders == []
