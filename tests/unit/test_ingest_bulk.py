"""The bulk writer against a scripted fake client: classification, retries, the deadline."""

from __future__ import annotations

import json
import random

import pytest
from cariberita.ingest.bulk import BulkWriter
from cariberita.ingest.deadline import Deadline, OutOfTime
from opensearchpy.serializer import JSONSerializer


class FakeTransport:
    serializer = JSONSerializer()


class FakeClient:
    """Answers each bulk request with the next scripted statuses, one per action in order."""

    def __init__(self, *rounds: list[int]) -> None:
        self.transport = FakeTransport()
        self.rounds = list(rounds)
        self.requests: list[list[dict]] = []
        self.paths: list[str | None] = []

    def bulk(self, body: str, *args, **kwargs) -> dict:
        self.paths.append(kwargs.get("index"))
        lines = [json.loads(line) for line in body.strip().split("\n")]
        actions = [
            line for line in lines if len(line) == 1 and next(iter(line)) in ("index", "delete")
        ]
        self.requests.append(actions)
        statuses = self.rounds.pop(0)
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


class Clock:
    def __init__(self, remaining_ms: int) -> None:
        self.remaining_ms = remaining_ms

    def get_remaining_time_in_millis(self) -> int:
        return self.remaining_ms


def actions(n: int) -> list[tuple[dict, int]]:
    return [
        ({"_op_type": "index", "_index": "a", "_id": f"id-{i}", "_source": {"n": i}}, i)
        for i in range(n)
    ]


@pytest.fixture(autouse=True)
def _no_sleep(monkeypatch):
    monkeypatch.setattr("cariberita.ingest.deadline.time.sleep", lambda s: None)


def test_every_item_is_classified_with_its_meta():
    client = FakeClient([201, 200, 409, 400])
    writer = BulkWriter(client, Deadline())
    outcomes = list(writer.write(actions(4)))
    assert [(o.result, o.meta) for o in outcomes] == [
        ("created", 0),
        ("updated", 1),
        ("conflict", 2),
        ("error", 3),
    ]
    assert outcomes[3].reason == "mapper_parsing_exception: bad"


def test_429_and_5xx_items_are_retried_alone_until_they_settle():
    client = FakeClient([201, 429, 503, 201], [429, 201], [201])
    writer = BulkWriter(client, Deadline(), rng=random.Random(1))
    outcomes = list(writer.write(actions(4)))
    assert sorted((o.meta, o.result) for o in outcomes) == [
        (0, "created"),
        (1, "created"),
        (2, "created"),
        (3, "created"),
    ]
    assert [[a["index"]["_id"] for a in r] for r in client.requests] == [
        ["id-0", "id-1", "id-2", "id-3"], ["id-1", "id-2"], ["id-1"],
    ]  # fmt: skip
    assert writer.retried == 3


def test_delete_of_a_missing_document_is_success():
    client = FakeClient([404])
    writer = BulkWriter(client, Deadline())
    (outcome,) = writer.write([({"_op_type": "delete", "_index": "a", "_id": "gone"}, 0)])
    assert outcome.result == "not_found"


def test_chunks_are_bounded_by_bytes():
    items = [
        ({"_op_type": "index", "_index": "a", "_id": f"id-{i}", "_source": {"t": "x" * 400}}, i)
        for i in range(10)
    ]
    client = FakeClient(*([[201] * 2] * 5))
    list(BulkWriter(client, Deadline(), max_chunk_bytes=1_000).write(items))
    assert [len(r) for r in client.requests] == [2, 2, 2, 2, 2]


def test_out_of_time_before_sending_raises_so_the_message_is_redelivered():
    writer = BulkWriter(FakeClient(), Deadline(Clock(5_000), margin_ms=10_000))
    with pytest.raises(OutOfTime):
        list(writer.write(actions(1)))


def test_out_of_time_while_retrying_raises():
    clock = Clock(60_000)
    client = FakeClient([429])
    writer = BulkWriter(client, Deadline(clock, margin_ms=59_990))
    with pytest.raises(OutOfTime):
        list(writer.write(actions(1)))


def test_requests_go_to_the_index_path_for_least_privilege_policies():
    client = FakeClient([201])
    list(BulkWriter(client, Deadline(), index="articles").write(actions(1)))
    assert client.paths == ["articles"]
