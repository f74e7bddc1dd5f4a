"""Hits and documents turned into API results (:mod:`schemas`). Every string is HTML-escaped.

Escaping every field (not just highlights) means a page can insert any value as HTML without
trusting the article source; URLs are additionally limited to http(s).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from cariberita.index.mapping import SHOWN
from cariberita.search import highlight
from cariberita.search.legacy import BODY_FIELD
from cariberita.search.schemas import Article, ArticleSummary, SearchResult

# Shown fields that hold a list (a stored field always comes back as one).
_LISTS = frozenset({"category", "tags"})


def shown(hit: dict[str, Any]) -> dict[str, Any]:
    """A hit's shown values by document field name: its stored ``fields`` (search asks for no
    ``_source``, see :data:`cariberita.search.query.STORED_FIELDS`), over its ``_source`` (an
    index built before stored fields is read that way, search/legacy.py)."""
    out: dict[str, Any] = dict(hit.get("_source") or {})
    fields = hit.get("fields")
    if not isinstance(fields, dict):
        return out
    for name, stored in SHOWN.items():
        values = fields.get(stored)
        if isinstance(values, list) and values:
            out[name] = values if name in _LISTS else values[0]
    return out


def _full(hit: dict[str, Any]) -> bool:
    """Whether a collapsed copy carries a result's fields (it does on ``sort=newest``)."""
    return SHOWN["title"] in (hit.get("fields") or {}) or "_source" in hit


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
        "image_url": safe_image(source.get("image_url")),
    }


def safe_image(url: Any) -> str | None:
    # Ingestion keeps only https pictures; an older or hand-written document is checked again.
    if not isinstance(url, str) or not url.lower().startswith("https://"):
        return None
    return highlight.escape(url)


Copied = Mapping[str, tuple[int, list[str]]]
"""Story fingerprint -> (matching copies, their publishers), from ``query.copies_aggregation``."""


def story_count(
    total: Mapping[str, Any], aggs: Mapping[str, Any], name: str, limit: int
) -> tuple[int, bool]:
    """Distinct stories among the matches, and whether that is exact: the matches less every
    copy after a story's first (``query.copies_aggregation``). Exact when the matches are
    counted exactly and every copied story is in the aggregation; otherwise an estimate
    (the matches counted so far less the copies)."""
    copied = aggs.get(name, {}).get("stories", {})  # at most ``limit`` copied stories
    buckets = copied.get("buckets", [])
    extra = sum(int(b["doc_count"]) - 1 for b in buckets if isinstance(b, dict))
    complete = not copied.get("sum_other_doc_count") and len(buckets) < limit
    value = int(total["value"])
    return max(value - extra, 1 if value else 0), total["relation"] == "eq" and complete


def copied_stories(aggs: Mapping[str, Any], name: str) -> dict[str, tuple[int, list[str]]]:
    buckets = aggs.get(name, {}).get("stories", {}).get("buckets", [])
    return {
        str(b["key"]): (int(b["doc_count"]), [str(p["key"]) for p in b["publishers"]["buckets"]])
        for b in buckets
        if isinstance(b, dict) and "publishers" in b
    }


def _copies(hit: dict[str, Any], copied: Copied) -> tuple[list[dict[str, Any]], int]:
    """The collapsed copies of a hit's story (oldest first) and how many match in all."""
    inner = hit.get("inner_hits", {}).get("copies", {}).get("hits")
    if not isinstance(inner, dict):
        story = (hit.get("fields", {}).get("story") or [None])[0]
        count, publishers = copied.get(str(story), (1, [])) if story else (1, [])
        return [{"_id": "", "fields": {SHOWN["publisher"]: [p]}} for p in publishers], count
    total = inner.get("total", {})
    count = total.get("value", 1) if isinstance(total, dict) else int(total or 1)
    return list(inner.get("hits", [])), max(1, int(count))


def search_result(
    hit: dict[str, Any], show_original: bool = False, copied: Copied | None = None
) -> SearchResult:
    """One search hit with ``title_html`` and ``snippet_html`` (``<mark>`` around matches).

    A collapsed hit also gives how many copies its story has and their other publishers;
    ``show_original`` shows the story's oldest copy instead of the hit itself (``sort=newest``).
    """
    copies, count = _copies(hit, copied or {})
    chosen = copies[0] if show_original and copies and _full(copies[0]) else hit
    marks = chosen.get("highlight", {})
    # A newest page's hit carries no ``_id`` of its own (search/query.py, NO_STORED_FIELDS).
    common = _common(shown(chosen), chosen.get("_id", ""))
    titles = highlight.best(marks, "title")
    others = dict.fromkeys(
        highlight.escape(p)
        for c in copies
        if c.get("_id") != chosen.get("_id") and isinstance(p := shown(c).get("publisher"), str)
    )
    others.pop(common["publisher"], None)
    return SearchResult(
        **common,
        title_html=highlight.render(titles[0]) if titles else common["title"],
        snippet_html=highlight.snippet(_snippet_marks(marks), None),
        copies=count,
        other_publishers=list(others),
    )


def _snippet_marks(marks: dict[str, list[str]]) -> list[str] | None:
    # A document from before ``lead`` has only its body, highlighted in legacy form.
    return highlight.best(marks, highlight.SNIPPET_FIELD) or highlight.best(marks, BODY_FIELD)


def summary(hit: dict[str, Any]) -> ArticleSummary:
    """A hit as a plain article summary (related articles)."""
    return ArticleSummary(**_common(shown(hit), hit["_id"]))


def article(doc: dict[str, Any]) -> Article:
    """A whole stored article (``GET /articles/{id}``)."""
    source = doc.get("_source", {})
    return Article(
        **_common(source, doc["_id"]),
        body=highlight.escape(source.get("body")),
        updated_at=source.get("updated_at"),
    )
