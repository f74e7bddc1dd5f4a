"""Hits and documents turned into API results (:mod:`schemas`). Every string is HTML-escaped.

Escaping every field (not just highlights) means a page can insert any value as HTML without
trusting the article source; URLs are additionally limited to http(s).
"""

from __future__ import annotations

from typing import Any

from cariberita.search import highlight
from cariberita.search.schemas import Article, SearchResult


def safe_url(url: Any) -> str | None:
    if not isinstance(url, str) or not url.lower().startswith(("https://", "http://")):
        return None
    return highlight.escape(url)


def _text_list(values: Any) -> list[str]:
    if isinstance(values, str):
        values = [values]
    return [highlight.escape(str(v)) for v in values or []]


def _common(source: dict[str, Any], doc_id: str) -> dict[str, Any]:
    return {
        "id": highlight.escape(str(source.get("id") or doc_id)),
        "title": highlight.escape(source.get("title")),
        "url": safe_url(source.get("url")),
        "category_path": highlight.escape(source.get("category_path")) or None,
        "categories": _text_list(source.get("category")),
        "published_at": source.get("published_at"),
        "author": highlight.escape(source.get("author")) or None,
        "tags": _text_list(source.get("tags")),
        "publisher": highlight.escape(source.get("publisher")) or None,
    }


def search_result(hit: dict[str, Any]) -> SearchResult:
    """One search hit with ``title_html`` and ``snippet_html`` (``<mark>`` around matches)."""
    source = hit.get("_source", {})
    marks = hit.get("highlight", {})
    common = _common(source, hit["_id"])
    titles = highlight.best(marks, "title")
    return SearchResult(
        **common,
        title_html=highlight.render(titles[0]) if titles else common["title"],
        snippet_html=highlight.snippet(highlight.best(marks, "body"), None),
    )


def article(doc: dict[str, Any]) -> Article:
    """A whole stored article (``GET /articles/{id}``)."""
    source = doc.get("_source", {})
    return Article(
        **_common(source, doc["_id"]),
        body=highlight.escape(source.get("body")),
        updated_at=source.get("updated_at"),
    )
