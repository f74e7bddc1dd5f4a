"""Facet aggregations and their shaping.

The category filter is applied as a ``post_filter`` (results only), so the category counts are
computed over everything else the reader chose: picking ``bola`` still shows how many hits the
other categories have. The monthly histogram does respect the category choice.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from pydantic import ValidationError

from cariberita.observability import logger
from cariberita.search.highlight import escape
from cariberita.search.schemas import CategoryCount, Facets, MonthCount

B = TypeVar("B")

TIME_ZONE = "+07:00"  # WIB: months start at local midnight
CATEGORY_FACET_SIZE = 30
ALL_CATEGORIES_SIZE = 500
_ACRONYMS = {"tv", "dpr", "kpk", "pon", "ftv"}


def _bucket(key: str, count: int) -> CategoryCount:
    # Escaped like every string we return; params unescape a value sent back as a filter.
    return CategoryCount(value=escape(key), label=escape(label(key)), count=count)


def _category(bucket: dict[str, Any]) -> CategoryCount:
    return _bucket(bucket["key"], bucket["doc_count"])


def _month(bucket: dict[str, Any]) -> MonthCount:
    return MonthCount(month=bucket["key_as_string"], count=bucket["doc_count"])


def _tolerant(facet: str, buckets: Iterable[Any], make: Callable[[Any], B]) -> list[B]:
    """Every bucket ``make`` accepts; an odd one (a year-10000 month of one stored document) is
    dropped and logged, so one document never fails the response of every search it is in."""
    out: list[B] = []
    for bucket in buckets:
        try:
            out.append(make(bucket))
        except (ValidationError, KeyError, TypeError) as exc:
            logger.warning(
                "facet bucket dropped",
                extra={"facet": facet, "bucket": repr(bucket)[:200], "error": str(exc)[:300]},
            )
    return out


def label(value: str) -> str:
    """A display label for a lowercased category value: ``berita utama`` -> ``Berita Utama``."""
    words = value.split()
    return " ".join(w.upper() if w in _ACRONYMS else w.capitalize() for w in words)


def aggregations(post_filter: dict[str, Any] | None) -> dict[str, Any]:
    """Category counts over everything but the post_filter; months within it."""
    months: dict[str, Any] = {
        "date_histogram": {
            "field": "published_at",
            "calendar_interval": "month",
            "time_zone": TIME_ZONE,
            "format": "yyyy-MM",
            "min_doc_count": 1,
        }
    }
    if post_filter is not None:
        months = {"filter": post_filter, "aggs": {"months": months}}
    return {
        "categories": {"terms": {"field": "category", "size": CATEGORY_FACET_SIZE}},
        "months": months,
    }


def shape(aggs: dict[str, Any]) -> Facets:
    months = aggs.get("months", {})
    months = months.get("months", months)
    return Facets(
        categories=_tolerant(
            "categories", aggs.get("categories", {}).get("buckets", []), _category
        ),
        months=_tolerant("months", months.get("buckets", []), _month),
    )


def all_categories_request() -> dict[str, Any]:
    return {
        "size": 0,
        "track_total_hits": True,
        "aggs": {"categories": {"terms": {"field": "category", "size": ALL_CATEGORIES_SIZE}}},
    }


def shape_all(response: dict[str, Any]) -> list[CategoryCount]:
    buckets = response.get("aggregations", {}).get("categories", {}).get("buckets", [])
    return _tolerant("categories", buckets, _category)
