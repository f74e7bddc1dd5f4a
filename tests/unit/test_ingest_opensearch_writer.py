"""The OpenSearch index writer against a scripted fake client: classification, chunks, paths."""

from __future__ import annotations

import json

import pytest
from cariberita.ingest.opensearch_writer import OpenSearchIndexWriter
from cariberita.ingest.writer import DeleteArticle, IndexArticle, IndexUnavailable, ItemOutcome
from opensearchpy import exceptions as os_errors
from opensearchpy.serializer import JSONSerializer


class FakeTransport:
    serializer = JSONSerializer()


class FakeIndices:
    def __init__(self, error: Exception | None) -> None:
        self.error = error

    def refresh(self, index: str) -> dict:
        if self.error:
            raise self.error
        return {}


class FakeClient:
    """Answers each bulk request with the next scripted statuses, one per action in order."""

    def __init__(self, *rounds: list[int], error: Exception | None = None) -> None:
        self.transport = FakeTransport()
        self.indices = FakeIndices(error)
        self.rounds = list(rounds)
        self.requests: list[list[dict]] = []
        self.paths: list[str | None] = []
        self.queries: list[dict] = []

    def bulk(self, body: str, *args, **kwargs) -> dict:
        self.paths.append(kwargs.get("index"))
        lines = [json.loads(line) for line in body.strip().split("\n")]
        actions = [
            line for line in lines if len(line) == 1 and next(iter(line)) in ("index", "delete")
        ]
        self.requests.append(actions)
        statuses = self.rounds.pop(0)
        if isinstance(statuses, Exception):
            raise statuses
        items = []
        for action, status in zip(actions, statuses, strict=True):
            op, meta = next(iter(action.items()))
            item = {"_id": meta["_id"], "status": status}
            if status in (200, 201):
                item["result"] = {"delete": "deleted"}.get(
                    op, "created" if status == 201 else "updated"
                )
            elif status != 404:
                item["error"] = (
                    {"type": "mapper_parsing_exception", "reason": "bad"}
                    if status == 400
                    else {"type": "x"}
                )
            items.append({op: item})
        return {"errors": True, "items": items}

    def delete_by_query(self, index: str, body: dict, **kwargs) -> dict:
        self.queries.append({"index": index, "body": body, **kwargs})
        return {"deleted": 3}


def articles(n: int) -> list[IndexArticle]:
    return [IndexArticle(f"id-{i}", 1_000 + i, {"n": i}) for i in range(n)]


def test_every_item_gets_its_outcome_in_order():
    client = FakeClient([201, 200, 409, 400, 429, 503])
    outcomes = list(OpenSearchIndexWriter(client, "a").write(articles(6)))
    assert [o.result for o in outcomes] == [
        "created", "updated", "skipped_older", "rejected", "retryable", "retryable",
    ]  # fmt: skip
    assert outcomes[3] == ItemOutcome("rejected", "mapper_parsing_exception: bad")


def test_articles_are_sent_with_external_versions():
    client = FakeClient([201, 200])
    writer = OpenSearchIndexWriter(client, "a")
    list(writer.write([IndexArticle("x", 7, {"t": 1}), DeleteArticle("y", 9)]))
    assert client.requests == [
        [
            {"index": {"_id": "x", "version": 7, "version_type": "external_gte"}},
            {"delete": {"_id": "y", "version": 9, "version_type": "external_gte"}},
        ]
    ]
    # The index is in the path only: the domain refuses one named in the body.
    assert client.paths == ["a"]


def test_delete_of_a_missing_document_is_success():
    (outcome,) = OpenSearchIndexWriter(FakeClient([404]), "a").write([DeleteArticle("gone")])
    assert outcome.result == "not_found"


def test_a_failed_request_makes_every_item_of_the_chunk_retryable():
    error = os_errors.TransportError(502, "bad gateway", {})
    outcomes = list(OpenSearchIndexWriter(FakeClient(error), "a").write(articles(3)))
    assert [o.result for o in outcomes] == ["retryable"] * 3


def test_chunks_are_bounded_by_bytes():
    items = [IndexArticle(f"id-{i}", 1, {"t": "x" * 400}) for i in range(10)]
    client = FakeClient(*([[201] * 2] * 5))
    list(OpenSearchIndexWriter(client, "a", max_chunk_bytes=1_000).write(items))
    assert [len(r) for r in client.requests] == [2, 2, 2, 2, 2]


def test_requests_go_to_the_index_path_for_least_privilege_policies():
    client = FakeClient([201])
    list(OpenSearchIndexWriter(client, "articles").write(articles(1)))
    assert client.paths == ["articles"]


def test_deleting_an_upload_queries_its_field_and_counts():
    client = FakeClient()
    assert OpenSearchIndexWriter(client, "a").delete_articles_of_upload("b/uploads/x.csv") == 3
    (query,) = client.queries
    assert query["body"] == {"query": {"term": {"source": "b/uploads/x.csv"}}}
    assert query["conflicts"] == "proceed"


@pytest.mark.parametrize(
    "error",
    [
        os_errors.ConnectionError("N/A", "refused", None),
        os_errors.TransportError(503, "unavailable", {}),
        os_errors.NotFoundError(404, "index_not_found_exception", {}),
    ],
    ids=["connection", "503", "missing-index"],
)
def test_an_unreachable_index_is_a_domain_error(error):
    writer = OpenSearchIndexWriter(FakeClient(error=error), "a")
    with pytest.raises(IndexUnavailable):
        writer.delete_articles_of_upload("b/k")
