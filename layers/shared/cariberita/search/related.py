"""Related articles ("Baca Juga"): articles like one article, never it or a copy of it.

Scoring, outermost first:
- the recency multiplier of search (:func:`cariberita.search.ranking.with_recency`);
- ``more_like_this`` over ``title`` and ``body`` with their Indonesian analysis (stems), the
  article itself as the ``like`` document: its most distinctive terms, weighted by tf-idf;
- a ``should`` boost for sharing one of its categories (breadcrumb levels or site category).

The article and every copy of it (same ``story`` fingerprint) are excluded, and the results are
collapsed on ``story`` so two copies of another story do not both appear.
"""

from __future__ import annotations

from typing import Any

from cariberita.search import query, ranking

DEFAULT_SIZE = 5
MAX_SIZE = 20
FIELDS = ["title", "body"]
# Terms picked from the article; a candidate must contain this share of them.
MAX_QUERY_TERMS = 30
MINIMUM_SHOULD_MATCH = "20%"
# Added to the more_like_this score (tens for a close match) for a shared category.
CATEGORY_BOOST = 3.0
_FIELDS = tuple(f for f in query.STORED_FIELDS if f != query.STORY_FIELD)


def body(seed: dict[str, Any], size: int, timeout_ms: int) -> dict[str, Any]:
    """The request for articles related to ``seed`` (a stored document as GET returns it)."""
    source = seed.get("_source", {})
    like = {
        "more_like_this": {
            "fields": FIELDS,
            "like": [{"_index": seed["_index"], "_id": seed["_id"]}],
            "min_term_freq": 1,
            "min_doc_freq": 2,
            "max_doc_freq": 5_000,
            "max_query_terms": MAX_QUERY_TERMS,
            "minimum_should_match": MINIMUM_SHOULD_MATCH,
            "include": False,
        }
    }
    exclude: list[dict[str, Any]] = [{"ids": {"values": [seed["_id"]]}}]
    story = source.get(query.STORY_FIELD)
    if isinstance(story, str):
        exclude.append({"term": {query.STORY_FIELD: story}})
    categories = [c for c in source.get("category") or [] if isinstance(c, str)]
    prefer = [{"terms": {"category": categories, "boost": CATEGORY_BOOST}}] if categories else []
    scoring = {"bool": {"must": [like], "should": prefer, "must_not": exclude}}
    return {
        "size": size,
        "timeout": f"{timeout_ms}ms",
        "track_total_hits": False,
        **query.fetch(_FIELDS),
        "query": ranking.with_recency(scoring),
        "collapse": {"field": query.STORY_FIELD},
    }
