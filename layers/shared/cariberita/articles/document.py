"""The index document of an article: exactly the fields of the strict mapping (index/mapping.py)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from cariberita.articles.categories import CategoryMap, load_category_map
from cariberita.articles.dates import iso
from cariberita.articles.model import Article
from cariberita.articles.story import fingerprint

# The indexed field naming the upload (``bucket/key``) an article's current version came from.
# It keeps its first name, ``source``, so that indexes built before the rename stay valid.
UPLOAD_FIELD = "source"
# The ``lead`` field: the body's start, where search cuts its snippets (index/mapping.py). News
# articles are a few thousand characters, so nearly all are whole in it.
LEAD_CHARS = 5_000


def lead_of(body: str, limit: int = LEAD_CHARS) -> str:
    """The first ``limit`` characters of ``body``, cut at the last whitespace before it."""
    if len(body) <= limit:
        return body
    cut = max(body.rfind(" ", 0, limit + 1), body.rfind("\n", 0, limit + 1))
    return body[: cut if cut > 0 else limit].rstrip()


# Fields ``to_document`` derives from others; an index copied from an older one may lack them,
# and the reindex fills them from each document's ``_source`` (index/reindex_check.py).
DERIVED_FIELDS = ("lead", "story")


def derived(title: str, body: str) -> dict[str, str]:
    """The derived fields of an article with this title and body (never missing: a story
    fingerprint exists for any text, so search can always collapse on it)."""
    return {"lead": lead_of(body), "story": fingerprint(title, body)}


def derived_for(source: dict[str, Any]) -> dict[str, str]:
    """:func:`derived` for a stored document's ``_source`` (title and body may be absent)."""
    return derived(str(source.get("title") or ""), str(source.get("body") or ""))


def publisher_of(article: Article) -> str | None:
    """The given publisher, else the URL's host without ``www.``."""
    if article.publisher:
        return article.publisher.lower()
    if article.url:
        host = (urlsplit(article.url).hostname or "").lower()
        return host.removeprefix("www.") or None
    return None


def to_document(
    article: Article,
    upload: str,
    category_map: CategoryMap | None = None,
    ingested_at: datetime | None = None,
) -> dict[str, Any]:
    """The document for ``article`` from ``upload`` (``bucket/key`` of the S3 object).

    ``category`` holds every breadcrumb level plus the mapped site category (the bundled map
    unless another is given; pass ``CategoryMap()`` for none); ``source_category`` keeps the
    publisher's most specific label.
    """
    mapping = load_category_map() if category_map is None else category_map
    levels = list(article.categories)
    site = mapping.site_category(levels)
    known = {c.casefold() for c in levels}
    categories = levels + ([site] if site and site.casefold() not in known else [])
    shared = derived(article.title, article.body)
    return {
        "id": article.id,
        "title": article.title,
        "body": article.body,
        "lead": shared["lead"],
        "category": categories,
        "category_path": article.category_path,
        "source_category": levels[-1] if levels else None,
        "published_at": iso(article.published_at),
        "updated_at": iso(article.updated_at),
        "author": article.author,
        "editor": article.editor,
        "image_caption": article.image_caption,
        "tags": list(article.tags),
        "url": article.url,
        "publisher": publisher_of(article),
        "image_url": article.image_url,
        # Copies of one story share it; search collapses on it (articles/story.py).
        "story": shared["story"],
        UPLOAD_FIELD: upload,
        "ingested_at": iso(ingested_at or datetime.now(UTC)),
    }
