"""The search test index: a deterministic subset of the shared corpus plus our own samples.

Everything goes through the article contract (``Article`` + ``to_document``) exactly as
ingestion does, so search is tested on the documents ingestion really writes.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from cariberita.articles import Article, to_document
from cariberita.articles.parsers.textpage import parse_text_page
from cariberita.index import shared_stories
from opensearchpy import OpenSearch, helpers

from tests.relevance.own_articles import OWN_ARTICLES

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "samples"
# One article in eight, chosen by the last hex digits of the corpus id (a hash of the URL):
# about 2,700 articles across every publisher and month, the same on every machine.
SUBSET_MODULO = 8


def in_subset(article_id: str) -> bool:
    return int(article_id[-2:], 16) % SUBSET_MODULO == 0


def corpus_subset(corpus_path: Path) -> Iterator[dict[str, Any]]:
    from tests.support.corpus import read_corpus

    for record in read_corpus(corpus_path):
        if in_subset(record["id"]):
            yield record


def sample_records() -> Iterator[dict[str, Any]]:
    with (SAMPLES / "batch-berita.ndjson").open(encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                yield json.loads(line)


def page_records(*paths: Path) -> Iterator[dict[str, Any]]:
    """Raw text pages (breadcrumb, date line, repeated title, body) read by ingestion's parser."""
    for path in paths:
        yield parse_text_page(path.read_text(encoding="utf-8"))


def documents(records: Iterator[dict[str, Any]], source: str) -> Iterator[dict[str, Any]]:
    for record in records:
        article = Article.model_validate(record)
        yield to_document(article, source)


def load(client: OpenSearch, alias: str, records: Iterator[dict[str, Any]], source: str) -> int:
    """Index ``records`` into ``alias`` and refresh; returns how many were indexed."""
    actions = (
        {"_index": alias, "_id": doc["id"], "_source": doc} for doc in documents(records, source)
    )
    indexed, _errors = helpers.bulk(client, actions, chunk_size=500, raise_on_error=True)
    shared_stories.mark_all(client, alias)  # what ingest keeps; this load bypasses it
    client.indices.refresh(index=alias)
    return indexed


def sources(data_dir: Path | None) -> Iterator[tuple[Iterator[dict[str, Any]], str]]:
    """(records, source) of the test index: our samples, own articles and sample-shaped page;
    with the shared data also its real page and the corpus subset."""
    yield sample_records(), "samples/batch-berita.ndjson"
    yield page_records(SAMPLES / "halaman-mentah.txt"), "samples/halaman-mentah.txt"
    yield iter(OWN_ARTICLES), "tests/relevance/own_articles.py"
    if data_dir is not None:
        page = data_dir / "samples" / "mojokerto-pelayanan-publik.txt"
        yield page_records(page), "samples/mojokerto-pelayanan-publik.txt"
        corpus = data_dir / "corpus" / "clickid-news.jsonl.gz"
        yield corpus_subset(corpus), "corpus/clickid-news.jsonl.gz"


def load_search_index(client: OpenSearch, alias: str, data_dir: Path | None) -> int:
    """Load every source of :func:`sources` into ``alias``; returns the number of articles."""
    return sum(load(client, alias, records, source) for records, source in sources(data_dir))


def page_id(path: Path) -> str:
    """The id ingestion derives for a raw page (it has no id or URL of its own)."""
    return Article.model_validate(parse_text_page(path.read_text(encoding="utf-8"))).id
