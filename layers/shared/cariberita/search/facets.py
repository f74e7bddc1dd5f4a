"""Facet aggregations and their shaping.

The category and publisher filters are applied as a ``post_filter`` (results only), and each
multi-select facet counts within every filter but its own: picking ``bola`` still shows how many
hits the other categories have, picking ``kompas.com`` the other publishers'. The monthly
histogram, the authors and the story count respect every choice.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeVar

from pydantic import ValidationError

from cariberita.observability import logger
from cariberita.search.highlight import escape
from cariberita.search.schemas import CategoryCount, CategoryNode, Facets, MonthCount, ValueCount

B = TypeVar("B")

TIME_ZONE = "+07:00"  # WIB: months start at local midnight
CATEGORY_FACET_SIZE = 30
CATEGORY_TREE_SIZE = 200
PUBLISHER_FACET_SIZE = 30
AUTHOR_FACET_SIZE = 20
# Cardinality counts exactly (short of hash collisions) below this many distinct values.
STORIES_PRECISION = 40_000
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


def _within(name: str, agg: dict[str, Any], clauses: list[dict[str, Any]]) -> dict[str, Any]:
    """``agg`` counted within ``clauses`` (read back with :func:`_inner`)."""
    if not clauses:
        return agg
    narrow = clauses[0] if len(clauses) == 1 else {"bool": {"filter": clauses}}
    return {"filter": narrow, "aggs": {name: agg}}


def _inner(aggs: dict[str, Any], name: str) -> dict[str, Any]:
    value: dict[str, Any] = aggs.get(name) or {}
    nested: dict[str, Any] = value.get(name, value)
    return nested


def aggregations(post: Mapping[str, dict[str, Any]], collapse: bool = False) -> dict[str, Any]:
    """The facets of a search; ``post`` holds the post_filter clause of each filter so named.

    Multi-select facets (categories, the category tree, publishers) count within every
    post_filter but their own, so picking one value still shows the others' counts; months,
    authors and the story count respect every filter. ``stories`` (distinct ``story`` values)
    is asked only when results are collapsed.
    """

    def but(*own: str) -> list[dict[str, Any]]:
        return [clause for name, clause in post.items() if name not in own]

    months: dict[str, Any] = {
        "date_histogram": {
            "field": "published_at",
            "calendar_interval": "month",
            "time_zone": TIME_ZONE,
            "format": "yyyy-MM",
            "min_doc_count": 1,
        }
    }
    aggs = {
        "categories": _within(
            "categories",
            {"terms": {"field": "category", "size": CATEGORY_FACET_SIZE}},
            but("category"),
        ),
        "category_tree": _within(
            "category_tree",
            {"terms": {"field": "category_path", "size": CATEGORY_TREE_SIZE}},
            but("category"),
        ),
        "publishers": _within(
            "publishers",
            {"terms": {"field": "publisher", "size": PUBLISHER_FACET_SIZE}},
            but("publisher"),
        ),
        "authors": _within(
            "authors", {"terms": {"field": "author", "size": AUTHOR_FACET_SIZE}}, but()
        ),
        "months": _within("months", months, but()),
    }
    if collapse:
        aggs["stories"] = _within(
            "stories",
            {"cardinality": {"field": "story", "precision_threshold": STORIES_PRECISION}},
            but(),
        )
    return aggs


def _value(bucket: dict[str, Any]) -> ValueCount:
    key = str(bucket["key"])
    return ValueCount(value=escape(key), label=escape(key), count=bucket["doc_count"])


def _author(bucket: dict[str, Any]) -> ValueCount:
    key = str(bucket["key"])
    return ValueCount(value=escape(key), label=escape(label(key)), count=bucket["doc_count"])


def category_tree(buckets: Iterable[dict[str, Any]]) -> list[CategoryNode]:
    """Breadcrumb counts (``BERITA UTAMA / HUKRIM``: n) as a tree of levels with their children.

    Each article has one path, so a level's count is the sum of the paths under it. Values are
    lowercased like the ``category`` field, so a level's ``value`` filters it and its children.
    """
    root: dict[str, Any] = {}
    for bucket in buckets:
        levels = [part.strip() for part in str(bucket.get("key", "")).split("/")]
        node = {"children": root}
        for level in (part for part in levels if part):
            node = node["children"].setdefault(level.lower(), {"count": 0, "children": {}})
            node["count"] += int(bucket.get("doc_count", 0))

    def build(children: dict[str, Any]) -> list[CategoryNode]:
        ordered = sorted(children.items(), key=lambda item: (-item[1]["count"], item[0]))
        return [
            CategoryNode(
                value=escape(value),
                label=escape(label(value)),
                count=node["count"],
                children=build(node["children"]),
            )
            for value, node in ordered
        ]

    return build(root)


def stories(aggs: dict[str, Any]) -> int | None:
    """Distinct stories among the matches (exact below ``STORIES_PRECISION``); None if not asked."""
    value = _inner(aggs, "stories").get("value")
    return int(value) if isinstance(value, int | float) else None


def shape(aggs: dict[str, Any]) -> Facets:
    return Facets(
        categories=_tolerant(
            "categories", _inner(aggs, "categories").get("buckets", []), _category
        ),
        months=_tolerant("months", _inner(aggs, "months").get("buckets", []), _month),
        publishers=_tolerant("publishers", _inner(aggs, "publishers").get("buckets", []), _value),
        authors=_tolerant("authors", _inner(aggs, "authors").get("buckets", []), _author),
        category_tree=category_tree(_inner(aggs, "category_tree").get("buckets", [])),
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
