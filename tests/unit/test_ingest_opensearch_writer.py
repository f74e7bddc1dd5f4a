"""The OpenSearch index writer against a scripted fake client: classification, chunks, paths."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from cariberita.ingest.deadline import Deadline
from cariberita.ingest.opensearch_writer import OpenSearchIndexWriter
from cariberita.ingest.writer import DeleteArticle, IndexArticle, IndexUnavailable, ItemOutcome
from opensearchpy import exceptions as os_errors
from opensearchpy.serializer import JSONSerializer


class FakeTransport:
    serializer = JSONSerializer()


class FakeIndices:
    def __init__(self, error: Exception | None, alias_exists: bool) -> None:
        self.error = error
        self.alias_exists = alias_exists
        self.created: list[str] = []

    def refresh(self, index: str, **kwargs) -> dict:
        if self.error:
            raise self.error
        return {}

    def exists_alias(self, name: str, **kwargs) -> bool:
        if self.error:
            raise self.error
        return self.alias_exists

    def create(self, index: str, body: dict, **kwargs) -> dict:
        self.created.append(index)
        return {"acknowledged": True}


class FakeClient:
    """Answers each articles bulk request with the next scripted statuses, one per action in
    order; records retractions (``<index>-tombstones``) as the adapter writes them."""

    def __init__(
        self, *rounds: list[int], error: Exception | None = None, alias_exists: bool = True
    ) -> None:
        self.transport = FakeTransport()
        self.indices = FakeIndices(error, alias_exists)
        self.rounds = list(rounds)
        self.requests: list[list[dict]] = []
        self.paths: list[str | None] = []
        self.params: list[dict] = []
        self.queries: list[dict] = []
        self.retracted: dict[str, int] = {}
        self.log: list[str] = []  # "tombstones" / "articles", in the order written

    def mget(self, index: str, body: dict, **kwargs) -> dict:
        assert index.endswith("-tombstones")
        docs = [
            {"_id": i, "found": True, "_version": self.retracted[i]}
            if i in self.retracted
            else {"_id": i, "found": False}
            for i in body["ids"]
        ]
        return {"docs": docs}

    def bulk(self, body: str | list, *args, **kwargs) -> dict:
        if kwargs["index"].endswith("-tombstones"):
            return self._tombstones(body)
        self.log.append("articles")
        self.paths.append(kwargs.get("index"))
        self.params.append({k: v for k, v in kwargs.items() if k != "index"})
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
            elif status == 404 and not self.indices.alias_exists:
                item["error"] = {"type": "index_not_found_exception", "reason": "no such index"}
            elif status != 404:
                item["error"] = (
                    {"type": "mapper_parsing_exception", "reason": "bad"}
                    if status == 400
                    else {"type": "x"}
                )
            items.append({op: item})
        return {"errors": True, "items": items}

    def _tombstones(self, body: list) -> dict:
        self.log.append("tombstones")
        items = []
        for meta in body[::2]:
            _id, version = meta["index"]["_id"], meta["index"]["version"]
            self.retracted[_id] = max(version, self.retracted.get(_id, -1))
            items.append({"index": {"_id": _id, "status": 201}})
        return {"errors": False, "items": items}

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
    # A missing alias is an error, never a new concrete index with guessed mappings.
    assert client.params[0]["require_alias"] is True


def test_a_missing_alias_is_a_domain_error_and_creates_nothing():
    client = FakeClient([201], alias_exists=False)
    with pytest.raises(IndexUnavailable, match="alias"):
        list(OpenSearchIndexWriter(client, "a").write(articles(1)))
    assert client.indices.created == [] and client.requests == []


def test_an_alias_gone_after_start_is_a_domain_error_not_an_article_error():
    client = FakeClient([404, 404])
    writer = OpenSearchIndexWriter(client, "a")
    writer.write(articles(0))  # the side indexes exist
    client.indices.alias_exists = False  # and then the alias goes: require_alias refuses
    with pytest.raises(IndexUnavailable, match="alias"):
        list(writer.write(articles(2)))


def test_a_retraction_is_recorded_before_the_article_is_deleted_and_outlasts_it():
    client = FakeClient([200], [201])
    writer = OpenSearchIndexWriter(client, "a")

    (deleted,) = writer.write([DeleteArticle("x", 500)])
    older, newer = writer.write([IndexArticle("x", 500, {}), IndexArticle("x", 501, {})])

    assert client.log[:2] == ["tombstones", "articles"]
    assert deleted.result == "deleted" and client.retracted == {"x": 500}
    # The copy at the retraction's version never reaches the index, however late it comes.
    assert older.result == "skipped_older"
    assert newer.result == "created"
    assert [a["index"]["version"] for a in client.requests[1]] == [501]


def test_an_unversioned_retraction_is_versioned_now():
    from cariberita.articles.dates import version_millis

    client = FakeClient([404])
    before = version_millis(datetime.now(UTC))
    list(OpenSearchIndexWriter(client, "a").write([DeleteArticle("x")]))
    (action,) = client.requests[0]
    assert client.retracted["x"] == action["delete"]["version"] >= before


def test_each_request_timeout_is_cut_to_the_time_left():
    class Clock:
        def get_remaining_time_in_millis(self) -> int:
            return 4_000

    client = FakeClient([201])
    writer = OpenSearchIndexWriter(client, "a", request_timeout_s=60)
    list(writer.write(articles(1), Deadline(Clock(), margin_ms=1_000)))
    assert client.params[0]["request_timeout"] == pytest.approx(3.0)


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
