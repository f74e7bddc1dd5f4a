"""Facet aggregations and their shaping.

The category and publisher filters are applied as a ``post_filter`` (results only), and each
multi-select facet counts within every filter but its own: picking ``bola`` still shows how many
hits the other categories have, picking ``kompas.com`` the other publishers'. The monthly
histogram, the authors and the story count respect every choice.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from functools import lru_cache
from typing import Any, TypeVar

from pydantic import ValidationError

from cariberita.observability import logger
from cariberita.search.highlight import escape
from cariberita.search.schemas import CategoryCount, Facets, MonthCount, Schema, ValueCount

M = TypeVar("M", bound=Schema)

TIME_ZONE = "+07:00"  # WIB: months start at local midnight
CATEGORY_FACET_SIZE = 30
CATEGORY_TREE_SIZE = 200
PUBLISHER_FACET_SIZE = 30
AUTHOR_FACET_SIZE = 20
ALL_CATEGORIES_SIZE = 500
_ACRONYMS = {"tv", "dpr", "kpk", "pon", "ftv"}
# Facet values seen by one container: the corpus has a few hundred categories and authors, so
# each value's escaping and label are worked out once, not on every search that shows it.
_SHOWN_VALUES = 4096


@lru_cache(maxsize=_SHOWN_VALUES)
def _labelled(key: str) -> tuple[str, str]:
    """A value and its display label, escaped like every string we return (params unescape a
    value sent back as a filter)."""
    return escape(key), escape(label(key))


@lru_cache(maxsize=_SHOWN_VALUES)
def _levels(path: str) -> tuple[str, ...]:
    """``BERITA UTAMA / HUKRIM`` -> ``("berita utama", "hukrim")``: lowercased like ``category``."""
    return tuple(level.lower() for level in (part.strip() for part in path.split("/")) if level)


def _category(bucket: dict[str, Any]) -> dict[str, Any]:
    """A category or author bucket: its value with a display label."""
    value, shown = _labelled(str(bucket["key"]))
    return {"value": value, "label": shown, "count": bucket["doc_count"]}


def _month(bucket: dict[str, Any]) -> dict[str, Any]:
    return {"month": bucket["key_as_string"], "count": bucket["doc_count"]}


def _tolerant(
    facet: str, buckets: Iterable[Any], make: Callable[[Any], dict[str, Any]], model: type[M]
) -> list[M]:
    """Every bucket ``make`` and ``model`` accept; an odd one (a year-10000 month of one stored
    document) is dropped and logged, so one document never fails the response of every search
    it is in."""
    out: list[M] = []
    for bucket in buckets:
        try:
            out.append(model.model_validate(make(bucket)))
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


def aggregations(post: Mapping[str, dict[str, Any]]) -> dict[str, Any]:
    """The facets of a search; ``post`` holds the post_filter clause of each filter so named.

    Multi-select facets (categories, the category tree, publishers) count within every
    post_filter but their own, so picking one value still shows the others' counts; months
    and authors respect every filter. (The stories count comes from the copies aggregation,
    ``results.story_count``: a cardinality of ``story`` hashed every match's story.)
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
    return aggs


def _value(bucket: dict[str, Any]) -> dict[str, Any]:
    value = escape(str(bucket["key"]))
    return {"value": value, "label": value, "count": bucket["doc_count"]}


# Each bucket facet: how a bucket reads, and the model of its entries.
_BUCKET_FACETS: dict[str, tuple[Callable[[Any], dict[str, Any]], type[Schema]]] = {
    "categories": (_category, CategoryCount),
    "months": (_month, MonthCount),
    "publishers": (_value, ValueCount),
    "authors": (_category, ValueCount),
}


def category_tree(buckets: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Breadcrumb counts (``BERITA UTAMA / HUKRIM``: n) as a tree of levels with their children.

    Each article has one path, so a level's count is the sum of the paths under it. Values are
    lowercased like the ``category`` field, so a level's ``value`` filters it and its children.
    Plain data, validated as :class:`CategoryNode` by :class:`Facets` in one pass: a search
    shows ~45 levels, and building each node as a model was a fifth of the handler's own time.
    """
    root: dict[str, list[Any]] = {}  # level -> [count, its children]
    for bucket in buckets:
        count = int(bucket.get("doc_count", 0))
        children = root
        for level in _levels(str(bucket.get("key", ""))):
            node = children.get(level)
            if node is None:
                node = children[level] = [0, {}]
            node[0] += count
            children = node[1]

    def build(children: dict[str, list[Any]]) -> list[dict[str, Any]]:
        if not children:  # most levels are leaves
            return []
        ordered = sorted(children.items(), key=lambda item: (-item[1][0], item[0]))
        out = []
        for level, (count, below) in ordered:
            value, shown = _labelled(level)
            out.append({"value": value, "label": shown, "count": count, "children": build(below)})
        return out

    return build(root)


def shape(aggs: dict[str, Any]) -> Facets:
    """The facets of a search response. Every bucket is read as plain data and validated in one
    pass; only when one is odd are the facets read again bucket by bucket (:func:`_tolerant`),
    dropping what does not fit."""
    buckets = {facet: _inner(aggs, facet).get("buckets", []) for facet in _BUCKET_FACETS}
    tree = category_tree(_inner(aggs, "category_tree").get("buckets", []))
    try:
        plain = {f: [make(b) for b in buckets[f]] for f, (make, _) in _BUCKET_FACETS.items()}
        return Facets.model_validate({**plain, "category_tree": tree})
    except (ValidationError, KeyError, TypeError):
        pass
    kept = {f: _tolerant(f, buckets[f], make, model) for f, (make, model) in _BUCKET_FACETS.items()}
    return Facets.model_validate({**kept, "category_tree": tree})


def all_categories_request() -> dict[str, Any]:
    return {
        "size": 0,
        "track_total_hits": True,
        "aggs": {"categories": {"terms": {"field": "category", "size": ALL_CATEGORIES_SIZE}}},
    }


def shape_all(response: dict[str, Any]) -> list[CategoryCount]:
    buckets = response.get("aggregations", {}).get("categories", {}).get("buckets", [])
    return _tolerant("categories", buckets, _category, CategoryCount)
