"""The index bootstrap custom resource always answers CloudFormation, and never deletes."""

from __future__ import annotations

import threading
from typing import Any

import pytest

from tests.support.handlers import load_handler_module

app = load_handler_module("bootstrap")


class Recorder:
    """Stands in for the PUT to CloudFormation's pre-signed URL."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, dict[str, Any]]] = []

    def __call__(self, url: str, body: dict[str, Any]) -> None:
        self.calls.append((url, body))

    @property
    def body(self) -> dict[str, Any]:
        ((_, body),) = self.calls
        return body


class UntouchableClient:
    """Any use of OpenSearch fails the test: Delete must not talk to the cluster."""

    def __getattr__(self, name: str) -> Any:
        raise AssertionError(f"OpenSearch was used ({name}) during a Delete")


class UnreachableIndices:
    def get_alias(self, **_: Any) -> Any:
        raise ConnectionError("connection refused")


class UnreachableClient:
    indices = UnreachableIndices()


@pytest.fixture(autouse=True)
def _environment(monkeypatch):
    monkeypatch.setenv("OPENSEARCH_ENDPOINT", "https://search-x.ap-southeast-3.es.amazonaws.com")
    monkeypatch.setenv("ARTICLES_INDEX", "articles")


def test_delete_keeps_the_index_and_succeeds(event, lambda_context):
    respond = Recorder()
    body = app.handle(event("bootstrap-delete.json"), lambda_context, UntouchableClient(), respond)
    assert body["Status"] == "SUCCESS"
    assert body["PhysicalResourceId"] == "articles-index:articles"
    assert respond.calls[0][0] == event("bootstrap-delete.json")["ResponseURL"]


def test_response_echoes_the_request_identifiers(event, lambda_context):
    request = event("bootstrap-delete.json")
    respond = Recorder()
    app.handle(request, lambda_context, UntouchableClient(), respond)
    for key in ("StackId", "RequestId", "LogicalResourceId"):
        assert respond.body[key] == request[key]


def test_unreachable_opensearch_fails_the_deploy_with_a_reason(event, lambda_context):
    respond = Recorder()
    app.handle(event("bootstrap-create.json"), lambda_context, UnreachableClient(), respond)
    assert respond.body["Status"] == "FAILED"
    assert "connection refused" in respond.body["Reason"]
    assert respond.body["PhysicalResourceId"] == "articles-index:articles"


def test_missing_configuration_is_named_in_the_failure(event, lambda_context, monkeypatch):
    monkeypatch.delenv("OPENSEARCH_ENDPOINT")
    respond = Recorder()
    app.handle(event("bootstrap-create.json"), lambda_context, None, respond)
    assert respond.body["Status"] == "FAILED"
    assert "OPENSEARCH_ENDPOINT" in respond.body["Reason"]


@pytest.mark.parametrize(
    ("properties", "named"),
    [
        ({"Replicas": "two"}, "Replicas"),
        ({"Replicas": "9"}, "Replicas"),
        ({"Alias": "Bad Alias!"}, "ARTICLES_INDEX"),
    ],
)
def test_bad_properties_fail_with_a_clear_reason(event, lambda_context, properties, named):
    request = event("bootstrap-update.json")
    request["ResourceProperties"].update(properties)
    respond = Recorder()
    app.handle(request, lambda_context, UntouchableClient(), respond)
    assert respond.body["Status"] == "FAILED"
    assert named in respond.body["Reason"]


def test_unknown_request_type_fails(event, lambda_context):
    request = event("bootstrap-create.json") | {"RequestType": "Rename"}
    respond = Recorder()
    app.handle(request, lambda_context, UntouchableClient(), respond)
    assert respond.body["Status"] == "FAILED"
    assert "Rename" in respond.body["Reason"]


def test_reason_stays_under_the_response_size_limit(event, lambda_context):
    class VerboseIndices:
        def get_alias(self, **_: Any) -> Any:
            raise RuntimeError("x" * 10_000)

    class VerboseClient:
        indices = VerboseIndices()

    respond = Recorder()
    app.handle(event("bootstrap-create.json"), lambda_context, VerboseClient(), respond)
    assert len(respond.body["Reason"]) <= app.MAX_REASON


def test_a_stuck_cluster_is_answered_before_lambda_times_out(event, lambda_context):
    release = threading.Event()

    class StuckIndices:
        def get_alias(self, **_: Any) -> Any:
            release.wait(30)
            raise ConnectionError("released")

    class StuckClient:
        indices = StuckIndices()

    lambda_context.remaining_ms = app.SAFETY_MARGIN_MS + 1_000  # one second of budget
    respond = Recorder()
    try:
        app.handle(event("bootstrap-create.json"), lambda_context, StuckClient(), respond)
    finally:
        release.set()
    assert respond.body["Status"] == "FAILED"
    assert "TimeoutError" in respond.body["Reason"]


def test_update_to_a_new_alias_reports_a_new_physical_id(event, lambda_context):
    request = event("bootstrap-update.json")
    request["ResourceProperties"]["Alias"] = "berita"
    respond = Recorder()
    app.handle(request, lambda_context, UnreachableClient(), respond)
    # CloudFormation then sends Delete for the old id, which is harmless by design.
    assert respond.body["PhysicalResourceId"] == "articles-index:berita"


def test_a_failed_answer_is_raised_so_lambda_retries(event, lambda_context):
    def broken(url: str, body: dict[str, Any]) -> None:
        raise OSError("network down")

    with pytest.raises(OSError):
        app.handle(event("bootstrap-delete.json"), lambda_context, UntouchableClient(), broken)
