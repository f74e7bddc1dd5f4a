"""A bootstrap role the domain does not admit fails the deploy with what to add, not a 403."""

from __future__ import annotations

from typing import Any, ClassVar

import pytest
from opensearchpy import Connection, OpenSearch

from tests.support.handlers import load_handler_module

app = load_handler_module("bootstrap")
ROLE = "arn:aws:iam::123456789012:role/cariberita-dev-ap-southeast-3-bootstrap"
DENIED = (
    '{"Message":"User: arn:aws:sts::123456789012:assumed-role/cariberita-dev-ap-southeast-3-'
    "bootstrap/fn is not authorized to perform: es:ESHttpGet because no resource-based policy "
    'allows the es:ESHttpGet action"}'
)


class ForbiddingConnection(Connection):
    """The domain's answer to a role it does not admit: 403 with IAM's message, for anything."""

    requests: ClassVar[list[tuple[str, str]]] = []

    def perform_request(  # type: ignore[override]
        self, method: str, url: str, *args: Any, **kwargs: Any
    ) -> Any:
        self.requests.append((method, url))
        self._raise_error(403, DENIED)


@pytest.fixture(autouse=True)
def _environment(monkeypatch):
    monkeypatch.setenv("OPENSEARCH_ENDPOINT", "https://search-x.ap-southeast-3.es.amazonaws.com")
    monkeypatch.setenv("ARTICLES_INDEX", "articles")


def forbidding_client() -> OpenSearch:
    ForbiddingConnection.requests = []
    return OpenSearch(hosts=["http://domain:80"], connection_class=ForbiddingConnection)


def test_a_403_names_the_role_and_what_to_add(event, lambda_context):
    request = event("bootstrap-create.json")
    request["ResourceProperties"]["RoleArn"] = ROLE
    sent: list[dict[str, Any]] = []
    body = app.handle(request, lambda_context, forbidding_client(), lambda _url, b: sent.append(b))
    assert ForbiddingConnection.requests, "the client never reached the fake domain"
    assert body["Status"] == "FAILED" and sent == [body]
    reason = body["Reason"]
    assert ROLE in reason
    assert "not authorized to perform: es:ESHttpGet" in reason
    assert "<domain>/articles-v*" in reason and "<domain>/_alias/articles" in reason
    assert "docs/operations.md#existing-domain" in reason
    assert "cariberita_bootstrap" in reason  # the fine-grained access control role mapping
    assert len(reason) <= app.MAX_REASON


def test_without_the_role_property_the_reason_still_says_what_to_add(event, lambda_context):
    request = event("bootstrap-update.json")
    request["ResourceProperties"].pop("RoleArn", None)
    body = app.handle(request, lambda_context, forbidding_client(), lambda _url, _b: None)
    assert body["Status"] == "FAILED"
    assert "this function's role" in body["Reason"]
    assert "access policy" in body["Reason"]
