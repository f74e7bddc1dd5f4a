"""The column names of the article contract as a batch file names them (CSV headers, JSON keys)."""

from __future__ import annotations

# Field names of the article contract (``articles/model.py``), as a CSV header names them. Kept
# here, not imported from the model: the parsers stay free of it (and of pydantic at import).
ARTICLE_FIELDS = frozenset(
    (
        "id",
        "title",
        "body",
        "category",
        "categories",
        "published_at",
        "updated_at",
        "url",
        "author",
        "editor",
        "image_caption",
        "image_url",
        "tags",
        "publisher",
        "source",
        "deleted",
    )
)
