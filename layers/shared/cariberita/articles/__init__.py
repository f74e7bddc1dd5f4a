"""The article contract (typed model), parsers for every batch format, and the document builder."""

from cariberita.articles.document import to_document
from cariberita.articles.model import Article, Tombstone
from cariberita.articles.validation import article_from_record

__all__ = ["Article", "Tombstone", "article_from_record", "to_document"]
