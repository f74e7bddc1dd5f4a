"""The article contract (typed model), parsers for every batch format, and the document builder.

The names below are loaded on first use (PEP 562): the search function imports
``cariberita.articles.categories`` and ``.text`` only, and must not pay at cold start for the
article model and validators that only ingestion needs.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from cariberita.articles.document import to_document
    from cariberita.articles.model import Article, Tombstone
    from cariberita.articles.validation import article_from_record

__all__ = ["Article", "Tombstone", "article_from_record", "to_document"]

_HOMES = {
    "to_document": "cariberita.articles.document",
    "Article": "cariberita.articles.model",
    "Tombstone": "cariberita.articles.model",
    "article_from_record": "cariberita.articles.validation",
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(home), name)
