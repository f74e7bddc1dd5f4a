"""A handful of one-line articles written straight into a test index, searched with the ranking's
own query: for tests of analysis and synonyms that need nothing but title and body."""

from __future__ import annotations

from cariberita.articles import Article, to_document
from cariberita.search.ranking import text_query
from opensearchpy import OpenSearch


def index_bodies(client: OpenSearch, index: str, bodies: dict[str, str]) -> None:
    """One article per ``id: body``, with a title that shares no word with the bodies."""
    for key, body in bodies.items():
        doc = {"id": key, "title": f"Kabar {len(key)}", "body": body}
        client.index(index=index, id=key, body=doc)
    client.indices.refresh(index=index)


def index_articles(client: OpenSearch, index: str, articles: dict[str, tuple[str, str]]) -> None:
    """One article per ``id: (title, body)``, built as ingest builds it (lead, story, ...)."""
    for key, (title, body) in articles.items():
        record = {"id": key, "title": title, "body": body, "published_at": "2024-03-01T08:00:00Z"}
        client.index(index=index, id=key, body=to_document(Article.model_validate(record), "b/k"))
    client.indices.refresh(index=index)


def found(client: OpenSearch, index: str, q: str) -> set[str]:
    """Ids of the articles that the search function's relevance query finds for ``q``."""
    body = {"query": text_query(q), "size": 20}
    return {hit["_id"] for hit in client.search(index=index, body=body)["hits"]["hits"]}
