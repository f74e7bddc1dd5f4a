"""The whole shared corpus in three indices on one node: ours and two stock baselines.

Known-item judgments (``known_items/``) name one corpus article each, so they are measured over
all 21,936 articles, where similar stories compete, not over the one-in-eight subset that the
API tests use. Our index is built exactly as ingestion builds it (``ensure_index`` with the
shipped analysis, documents from ``Article`` + ``to_document``); the baselines hold title and
body under a stock analyzer (see ``baseline.py``).

``name_for`` gives a name derived from the analysis settings, so the tuning script can reuse an
index between runs and a change of analysis builds a new one.
"""

from __future__ import annotations

import gzip
import hashlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from cariberita.articles import Article, to_document
from cariberita.index import shared_stories
from cariberita.index.manager import ensure_index
from opensearchpy import OpenSearch, helpers

from tests.relevance.baseline import index_stock

CORPUS = Path("corpus") / "clickid-news.jsonl.gz"


def corpus_records(data_dir: Path) -> Iterator[dict[str, Any]]:
    with gzip.open(data_dir / CORPUS, "rt", encoding="utf-8") as handle:
        for line in handle:
            yield json.loads(line)


def analysis_fingerprint() -> str:
    """A short hash of everything that decides how our index analyses text."""
    from cariberita.index.mapping import index_body

    body = json.dumps(index_body(), sort_keys=True, default=str)
    return hashlib.sha256(body.encode()).hexdigest()[:10]


def _documents(data_dir: Path) -> Iterator[dict[str, Any]]:
    for record in corpus_records(data_dir):
        yield to_document(Article.model_validate(record), "corpus/clickid-news.jsonl.gz")


def build_ours(client: OpenSearch, alias: str, data_dir: Path) -> int:
    """Create ``alias`` with the shipped mapping and load the whole corpus into it."""
    ensure_index(client, alias)
    actions = ({"_index": alias, "_id": d["id"], "_source": d} for d in _documents(data_dir))
    count, _ = helpers.bulk(client, actions, chunk_size=1000, raise_on_error=True)
    shared_stories.mark_all(client, alias)  # what ingest keeps; this load bypasses it
    client.indices.refresh(index=alias)
    return count


def build_baseline(client: OpenSearch, name: str, analyzer: str, data_dir: Path) -> int:
    return index_stock(client, name, analyzer, corpus_records(data_dir))


def exists(client: OpenSearch, name: str) -> bool:
    return bool(client.indices.exists_alias(name=name) or client.indices.exists(index=name))
