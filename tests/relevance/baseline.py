"""Baselines for the relevance numbers: the same articles under a stock analyzer, one plain query.

Stock ``indonesian`` (Lucene's stopwords and stemmer) and ``standard`` analyzers, queried with
``multi_match`` over title^3 and body: what one gets from OpenSearch without our analysis chain,
acronyms, exactness boosts, typo tolerance and recency.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from opensearchpy import OpenSearch, helpers

from tests.relevance.corpus import documents, sources


def create_baseline(client: OpenSearch, name: str, analyzer: str, data_dir: Path | None) -> None:
    """The search test index's articles (``corpus.sources``) under a stock analyzer."""
    records = (doc for records, source in sources(data_dir) for doc in documents(records, source))
    index_stock(client, name, analyzer, records)


def index_stock(
    client: OpenSearch, name: str, analyzer: str, records: Iterable[dict[str, Any]]
) -> int:
    """A fresh index of ``records``' id, title and body under the stock ``analyzer``."""
    text = {"type": "text", "analyzer": analyzer}
    client.indices.create(
        index=name,
        body={
            "settings": {"number_of_shards": 1, "number_of_replicas": 0},
            "mappings": {"properties": {"id": {"type": "keyword"}, "title": text, "body": text}},
        },
    )
    actions = (
        {"_index": name, "_id": r["id"], "_source": {k: r[k] for k in ("id", "title", "body")}}
        for r in records
    )
    count, _ = helpers.bulk(client, actions, chunk_size=1000, raise_on_error=True)
    client.indices.refresh(index=name)
    return count


def baseline_ranking(client: OpenSearch, name: str, q: str, size: int = 10) -> list[str]:
    body = {
        "size": size,
        "_source": False,
        "query": {"multi_match": {"query": q, "fields": ["title^3", "body"]}},
    }
    return [hit["_id"] for hit in client.search(index=name, body=body)["hits"]["hits"]]
