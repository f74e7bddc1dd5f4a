"""A reindex while readers search and editors upload: nobody notices, nothing is lost.

8,000 corpus articles are ingested through the ingest handler into a version with 1 replica
(one node: yellow, which is fine). Then, at once: one search every 50 ms through the search
handler, a stream of new uploads (and one batch of unpublished articles) through the ingest
handler, and ``cariberita-admin reindex``. Afterwards the alias is on the new version, no
search failed, every article is there exactly once, the unpublished ones are gone, and the
new version has the old one's replica.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Iterator
from itertools import islice

import pytest
from cariberita.index import manager, reindex, reindex_check, reindex_versions
from cariberita.index.mapping import INDEX_VERSION

from tests.reliability.harness import Delivery, budget_context, ndjson
from tests.support.corpus import read_corpus
from tests.support.handlers import LambdaContext, api_gateway_event, load_handler

SEEDED = 8_000
STREAMED = 200  # as in the incident: 200 new articles in 5 uploads during a reindex
PER_UPLOAD = 40
UNPUBLISHED = 20
WORDS = ("banjir", "presiden", "sepak bola", "harga beras", "pemkot", "gempa", "pilkada")


@pytest.fixture
def alias(os_client, fresh_index_alias, monkeypatch) -> Iterator[str]:
    monkeypatch.setenv("ARTICLES_INDEX", fresh_index_alias)
    monkeypatch.setenv("CURSOR_SECRET", "reindex-live-traffic-secret-0123456789")
    monkeypatch.setenv("POWERTOOLS_METRICS_DISABLED", "true")
    yield fresh_index_alias
    for index in reindex_versions.versions(os_client, fresh_index_alias):
        os_client.indices.delete(index=index, ignore_unavailable=True)


def test_reindex_under_search_and_ingest_loses_nothing_and_fails_no_search(
    os_client, alias, s3_bucket, corpus_path
):
    articles = list(islice(read_corpus(corpus_path), SEEDED + STREAMED))
    seed, stream = articles[:SEEDED], articles[SEEDED:]
    ingest = Delivery(load_handler("ingest"), s3_bucket)
    ingest.until_done(
        [
            ingest.upload(f"uploads/seed/{n}.ndjson", seed[n : n + 2_000])
            for n in range(0, SEEDED, 2_000)
        ]
    )
    old = f"{alias}-v{INDEX_VERSION}"
    os_client.indices.put_settings(index=old, body={"index": {"number_of_replicas": 1}})
    os_client.indices.refresh(index=alias)
    assert os_client.count(index=alias)["count"] == len({a["id"] for a in seed})

    stop = threading.Event()
    statuses: Counter[int] = Counter()
    copying = threading.Event()
    uploads_while_copying = []

    def search() -> None:
        handler = load_handler("search")
        n = 0
        while not stop.is_set():
            event = api_gateway_event("/search", {"q": WORDS[n % len(WORDS)]})
            statuses[handler(event, LambdaContext())["statusCode"]] += 1
            n += 1
            time.sleep(0.05)

    unpublished = [a["id"] for a in seed[:UNPUBLISHED]]

    def upload() -> None:
        writer = Delivery(load_handler("ingest"), s3_bucket)
        for n in range(0, STREAMED, PER_UPLOAD):
            message = writer.upload(f"uploads/live/{n}.ndjson", stream[n : n + PER_UPLOAD])
            writer.until_done([message], budget_context)
            if copying.is_set():
                uploads_while_copying.append(n)
            if n == PER_UPLOAD * 2:  # mid-stream
                key = "uploads/live/unpublish.ndjson"
                gone = [{"id": i, "deleted": True} for i in unpublished]
                writer.s3.put_object(Bucket=s3_bucket, Key=key, Body=ndjson(gone))
                writer.until_done([writer.message(key)])
            time.sleep(2.0)  # spread over the copy

    searcher, uploader = threading.Thread(target=search), threading.Thread(target=upload)
    searcher.start()
    uploader.start()
    try:
        time.sleep(0.5)
        copying.set()
        began = time.monotonic()
        result = reindex.reindex(os_client, alias, progress=print)
        print(f"reindex took {time.monotonic() - began:.1f}s")
        copying.clear()
        uploader.join(timeout=300)
        time.sleep(0.5)
    finally:
        stop.set()
        searcher.join(timeout=60)

    new = f"{alias}-v{INDEX_VERSION + 1}"
    assert result["to"] == new and manager.aliased_indices(os_client, alias) == (new,)
    assert uploads_while_copying, "some uploads arrived during the reindex"
    assert sum(statuses.values()) > 20 and set(statuses) == {200}, statuses
    present = reindex_check.id_versions(os_client, new)
    expected = {a["id"] for a in articles} - set(unpublished)
    assert set(present) == expected  # each id once: it is a key of the index
    assert os_client.count(index=new)["count"] == len(expected)
    stored = os_client.indices.get_settings(index=new)[new]["settings"]["index"]
    assert stored["number_of_replicas"] == "1"
