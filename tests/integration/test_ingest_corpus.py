"""The whole shared corpus, uploaded as one gzip NDJSON file, becomes searchable, every article."""

from __future__ import annotations

import json
from urllib.parse import quote_plus

import boto3
import pytest

from tests.support.corpus import read_corpus
from tests.support.events import load_event
from tests.support.handlers import load_handler_module

pytestmark = pytest.mark.corpus
CORPUS_ARTICLES = 21_936


def test_whole_corpus_ingests_with_every_article_searchable(
    corpus_path, s3_bucket, lambda_context, os_client, fresh_index_alias, monkeypatch
):
    monkeypatch.setenv("ARTICLES_INDEX", fresh_index_alias)
    key = "uploads/corpus/clickid-news.jsonl.gz"
    boto3.client("s3").upload_file(str(corpus_path), s3_bucket, key)
    text = json.dumps(load_event("ingest-sqs-s3-put.json")).replace("cariberita-uploads", s3_bucket)
    event = json.loads(text.replace("uploads/batch-berita.ndjson", quote_plus(key, safe="/")))

    response = load_handler_module("ingest").lambda_handler(event, lambda_context)

    assert response == {"batchItemFailures": []}
    report = json.loads(
        boto3.client("s3").get_object(Bucket=s3_bucket, Key=f"reports/{key}.json")["Body"].read()
    )
    assert report["status"] == "ok", report["rejected"][:5]
    # A bulk request that timed out and was resent finds its documents there: "updated".
    assert report["counts"]["indexed"] + report["counts"]["updated"] == CORPUS_ARTICLES
    os_client.indices.refresh(index=fresh_index_alias)
    assert os_client.count(index=fresh_index_alias)["count"] == CORPUS_ARTICLES

    # Spot checks: a few articles from across the file are found by id and by their title.
    sample = [a for n, a in enumerate(read_corpus(corpus_path)) if n % 5_000 == 17]
    for original in sample:
        by_id = os_client.get(index=fresh_index_alias, id=original["id"])["_source"]
        assert by_id["title"] == " ".join(original["title"].split())
        assert by_id["publisher"] == original["source"]
        hits = os_client.search(
            index=fresh_index_alias,
            body={"query": {"match_phrase": {"title.exact": by_id["title"]}}, "size": 5},
        )["hits"]["hits"]
        assert original["id"] in {h["_id"] for h in hits}
