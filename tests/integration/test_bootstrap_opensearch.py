"""The bootstrap custom resource against the real OpenSearch node, answering over real HTTP."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from cariberita.index import manager
from cariberita.index.mapping import INDEX_VERSION

from tests.support.handlers import load_handler_module
from tests.support.names import unique_name

app = load_handler_module("bootstrap")


class CloudFormationStandIn:
    """A local HTTP endpoint in place of CloudFormation's pre-signed S3 URL."""

    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []
        received = self.requests

        class Handler(BaseHTTPRequestHandler):
            def do_PUT(self) -> None:
                length = int(self.headers["Content-Length"])
                received.append(
                    {
                        "path": self.path,
                        "content_type": self.headers.get("Content-Type"),
                        "body": json.loads(self.rfile.read(length)),
                    }
                )
                self.send_response(200)
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/presigned?X-Amz-Signature=abc"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def last(self) -> dict[str, Any]:
        return self.requests[-1]


@pytest.fixture(scope="module")
def cloudformation() -> Iterator[CloudFormationStandIn]:
    stand_in = CloudFormationStandIn()
    yield stand_in
    stand_in.server.shutdown()


@pytest.fixture
def alias(os_client) -> Iterator[str]:
    name = unique_name("t-bootstrap")
    yield name
    for index in manager.aliased_indices(os_client, name):
        os_client.indices.delete(index=index, ignore_unavailable=True)


def request(event, kind: str, url: str, alias: str) -> dict[str, Any]:
    payload = event(f"bootstrap-{kind}.json")
    payload["ResponseURL"] = url
    payload["ResourceProperties"]["Alias"] = alias
    if "PhysicalResourceId" in payload:
        payload["PhysicalResourceId"] = app.physical_id(alias)
    return payload


@pytest.fixture(autouse=True)
def _local_node(monkeypatch, opensearch_endpoint):
    monkeypatch.setenv("OPENSEARCH_ENDPOINT", opensearch_endpoint)
    monkeypatch.setenv("OPENSEARCH_AUTH", "none")


def test_create_builds_the_index_and_answers_over_http(
    event, lambda_context, cloudformation, alias, os_client
):
    app.lambda_handler(request(event, "create", cloudformation.url, alias), lambda_context)
    answer = cloudformation.last()
    assert answer["body"]["Status"] == "SUCCESS", answer["body"]["Reason"]
    assert answer["content_type"] == ""  # the URL is signed without one
    assert answer["body"]["Data"] == {
        "Alias": alias,
        "Index": f"{alias}-v{INDEX_VERSION}",
        "Action": "created",
        "Documents": 0,
    }
    tokens = os_client.indices.analyze(
        index=alias, body={"analyzer": "id_news", "text": "Pemerintah membangun jembatan"}
    )["tokens"]
    assert tokens, "the Indonesian analyzer is installed"


def test_update_with_the_same_definition_changes_nothing(
    event, lambda_context, cloudformation, alias
):
    app.lambda_handler(request(event, "create", cloudformation.url, alias), lambda_context)
    app.lambda_handler(request(event, "update", cloudformation.url, alias), lambda_context)
    answer = cloudformation.last()["body"]
    assert answer["Status"] == "SUCCESS"
    assert answer["Data"]["Action"] == "unchanged"
    assert answer["PhysicalResourceId"] == app.physical_id(alias)


def test_delete_keeps_the_index_and_its_documents(
    event, lambda_context, cloudformation, alias, os_client
):
    app.lambda_handler(request(event, "create", cloudformation.url, alias), lambda_context)
    os_client.index(index=alias, id="b1", body={"id": "b1", "title": "Banjir"}, refresh=True)
    app.lambda_handler(request(event, "delete", cloudformation.url, alias), lambda_context)
    assert cloudformation.last()["body"]["Status"] == "SUCCESS"
    assert manager.aliased_indices(os_client, alias) == (f"{alias}-v{INDEX_VERSION}",)
    assert os_client.count(index=alias)["count"] == 1


def test_unreachable_cluster_fails_the_deploy_instead_of_hanging(
    event, lambda_context, cloudformation, alias, monkeypatch
):
    monkeypatch.setenv("OPENSEARCH_ENDPOINT", "http://127.0.0.1:9")  # nothing listens on discard
    monkeypatch.setenv("OPENSEARCH_MAX_RETRIES", "0")
    app.lambda_handler(request(event, "create", cloudformation.url, alias), lambda_context)
    answer = cloudformation.last()["body"]
    assert answer["Status"] == "FAILED"
    assert "Connection" in answer["Reason"]
