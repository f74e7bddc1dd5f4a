"""Corpus articles as index documents, the same ones the ingest path would write.

The raw-bulk reference must index exactly what the ingest path indexes, so documents come from
the project's own builder (``cariberita.articles``) when it exists. Until then a stand-in with
the mapped fields is used, and the report says so.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any

SOURCE = "bench-bucket/corpus.ndjson"


def _stand_in(article: dict[str, Any], source: str) -> dict[str, Any]:
    category = article.get("category")
    return {
        "id": article["id"],
        "title": article["title"],
        "body": article["body"],
        "category": [category.lower()] if category else [],
        "source_category": category,
        "published_at": article["published_at"],
        "url": article["url"],
        "publisher": article["source"],
        "source": source,
    }


def builder() -> tuple[str, Callable[[dict[str, Any], str], dict[str, Any]]]:
    """(name, function(article, source) -> document) of the best document builder available."""
    try:
        from cariberita.articles import Article, article_from_record, to_document
    except ImportError:
        return "bench stand-in (cariberita.articles not available)", _stand_in

    def build(record: dict[str, Any], source: str) -> dict[str, Any]:
        article = article_from_record(record)
        if not isinstance(article, Article):
            raise ValueError(f"corpus record {record.get('id')} is not an article")
        return to_document(article, source)

    return "cariberita.articles (article_from_record + to_document)", build


def actions(
    index: str,
    articles: Iterable[dict[str, Any]],
    source: str = SOURCE,
    build: Callable[[dict[str, Any], str], dict[str, Any]] | None = None,
) -> Iterator[dict]:
    """Bulk ``index`` actions with the document id as ``_id``."""
    build = build or builder()[1]
    for article in articles:
        doc = build(article, source)
        yield {"_op_type": "index", "_index": index, "_id": doc["id"], "_source": doc}
