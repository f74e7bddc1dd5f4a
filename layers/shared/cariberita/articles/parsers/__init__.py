"""Parsers for every batch format editors upload; all stream or bound what they read."""

from cariberita.articles.parsers.detect import Format, Limits, detect_format, open_records
from cariberita.articles.parsers.errors import UnparseableObject
from cariberita.articles.parsers.records import RawRecord

__all__ = ["Format", "Limits", "RawRecord", "UnparseableObject", "detect_format", "open_records"]
