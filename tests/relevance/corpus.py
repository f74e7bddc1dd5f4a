"""The search test index: a deterministic subset of the shared corpus plus our own samples.

Everything goes through the article contract (``Article`` + ``to_document``) exactly as
ingestion does, so search is tested on the documents ingestion really writes.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from cariberita.articles import Article, to_document
from opensearchpy import OpenSearch, helpers

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "samples"
# One article in eight, chosen by the last hex digits of the corpus id (a hash of the URL):
# about 2,700 articles across every publisher and month, the same on every machine.
SUBSET_MODULO = 8


def in_subset(article_id: str) -> bool:
    return int(article_id[-2:], 16) % SUBSET_MODULO == 0


def corpus_subset(corpus_path: Path) -> Iterator[dict[str, Any]]:
    from tests.conftest import read_corpus

    for record in read_corpus(corpus_path):
        if in_subset(record["id"]):
            yield record


def sample_records() -> Iterator[dict[str, Any]]:
    with (SAMPLES / "batch-berita.ndjson").open(encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                yield json.loads(line)


def page_record(path: Path, record_id: str) -> dict[str, Any]:
    """A raw page like the real sample (breadcrumb, date, repeated title, body) as a record."""
    lines = [ln.strip() for ln in path.read_text(encoding="utf-8").splitlines()]
    lines = [ln for ln in lines if ln and ln != "\u00a0"]
    crumbs = [c.strip() for c in lines[0].split("/") if c.strip() and c.strip().lower() != "home"]
    title = lines[2]
    body = [ln for ln in lines[3:] if ln != title]
    return {
        "id": record_id,
        "title": title,
        "body": "\n\n".join(body),
        "category": crumbs,
        "published_at": re.sub(r"\s*WIB$", " WIB", lines[1]),
        "url": f"https://contoh-berita.id/halaman/{record_id}",
    }


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
    client.indices.refresh(index=alias)
    return indexed


def load_search_index(client: OpenSearch, alias: str, corpus_path: Path | None) -> int:
    """Corpus subset (if available), the project's samples and the sample-shaped page."""
    total = load(client, alias, sample_records(), "samples/batch-berita.ndjson")
    total += load(
        client,
        alias,
        iter([page_record(SAMPLES / "halaman-mentah.txt", "halaman-malang-2024")]),
        "samples/halaman-mentah.txt",
    )
    if corpus_path is not None:
        total += load(client, alias, corpus_subset(corpus_path), "corpus/clickid-news.jsonl.gz")
    return total
