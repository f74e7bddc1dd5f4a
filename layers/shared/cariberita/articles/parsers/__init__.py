"""Parsers for every batch format editors upload; all stream or bound what they read."""

from cariberita.articles.parsers.errors import OverLimit, UnparseableObject
from cariberita.articles.parsers.formats import Format, detect_format
from cariberita.articles.parsers.raw_record import RawRecord
from cariberita.articles.parsers.reading import Limits, open_records

__all__ = [
    "Format",
    "Limits",
    "OverLimit",
    "RawRecord",
    "UnparseableObject",
    "detect_format",
    "open_records",
]
