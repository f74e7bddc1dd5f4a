"""Ingest stamps ``ingested_at`` when it sends a bulk request, not when the upload was opened:
a reindex's catch-up passes look for late writes by that stamp (index/reindex.py)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from cariberita.ingest.opensearch_writer import OpenSearchIndexWriter
from cariberita.ingest.writer import IndexArticle

from tests.unit.test_ingest_opensearch_writer import FakeClient


class RecordingClient(FakeClient):
    """Also keeps the ``_source`` of every article sent."""

    def __init__(self, *rounds: list[int]) -> None:
        super().__init__(*rounds)
        self.sources: list[dict] = []

    def bulk(self, body, *args, **kwargs):
        if not kwargs["index"].endswith("-tombstones"):
            lines = [json.loads(line) for line in body.strip().split("\n")]
            self.sources += [line for line in lines if "ingested_at" in line]
        return super().bulk(body, *args, **kwargs)


def test_an_article_is_stamped_when_its_bulk_request_is_sent():
    opened = datetime.now(UTC) - timedelta(minutes=5)  # the upload's parse began long ago
    client = RecordingClient([201])
    before = datetime.now(UTC)
    list(
        OpenSearchIndexWriter(client, "a").write(
            [IndexArticle("x", 7, {"title": "t", "ingested_at": opened.isoformat()})]
        )
    )
    [sent] = client.sources
    assert datetime.fromisoformat(sent["ingested_at"]) >= before
    assert sent["title"] == "t"


def test_a_document_without_a_stamp_is_sent_as_it_is():
    client = RecordingClient([201])
    list(OpenSearchIndexWriter(client, "a").write([IndexArticle("x", 7, {"title": "t"})]))
    assert client.sources == []
