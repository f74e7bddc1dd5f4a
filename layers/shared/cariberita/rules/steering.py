"""The rules as query clauses: pins first, hidden articles out, categories mapped.

- Pins (relevance order only; a reader who sorts by date gets dates): the scoring becomes
  ``bool.should [scoring, constant_score(ids [p_k], boost PIN_BOOST * (n - k)) ...]`` with
  ``minimum_should_match 1``, inside the filtered bool. A pinned article therefore matches even
  without the query's words, still only when it passes the filters, and comes first in the
  editors' order: its constant is added outside the recency multiplier and exceeds any text
  score by orders of magnitude, so neither relevance nor recency reorders pins.
- Hides: ``must_not ids`` on the main query (results, facet counts, totals), on did-you-mean's
  re-queries and on suggestions.
- Categories: every ``terms`` filter on ``category`` also matches the source labels mapped to a
  site category; the category facet gets a ``filters`` aggregation with one exact count per site
  category (an article carrying two mapped labels counts once), merged by :func:`merge_facets`.
"""

from __future__ import annotations

from typing import Any

from cariberita.rules.compiled import Rules
from cariberita.search.highlight import escape
from cariberita.search.schemas import CategoryCount

# BM25 text scores on this index stay in the tens (x1.25 recency); a million keeps every pin
# above any text score while 10 pins x 1e6 stays exact in OpenSearch's 32-bit float scores.
PIN_BOOST = 1_000_000.0
SITE_AGG = "site_categories"
CATEGORY_AGG = "categories"


def pin(scoring: dict[str, Any], ids: tuple[str, ...]) -> dict[str, Any]:
    n = len(ids)
    clauses = [
        {
            "constant_score": {
                "filter": {"ids": {"values": [article_id]}},
                "boost": PIN_BOOST * (n - k),
            }
        }
        for k, article_id in enumerate(ids)
    ]
    return {"bool": {"should": [scoring, *clauses], "minimum_should_match": 1}}


def hide(body: dict[str, Any], ids: tuple[str, ...] | list[str]) -> dict[str, Any]:
    """``body`` whose query leaves out ``ids`` (in place; returned for chaining)."""
    if not ids:
        return body
    query = body.get("query") or {"match_all": {}}
    if "bool" not in query:
        query = {"bool": {"must": [query]}}
    query["bool"].setdefault("must_not", []).append({"ids": {"values": list(ids)}})
    body["query"] = query
    return body


def steer(
    body: dict[str, Any], q: str, relevance: bool, rules: Rules, also_hidden_for: str = ""
) -> dict[str, Any]:
    """The search request ``body`` (from ``search.query``) with the rules applied, in place."""
    if rules.empty:
        return body
    pinned = rules.pinned(q)
    if pinned and relevance:
        must = body["query"]["bool"]["must"]
        must[0] = pin(must[0], pinned)
    hidden = list(dict.fromkeys([*rules.hidden(q), *rules.hidden(also_hidden_for)]))
    hide(body, hidden)
    if rules.site_sources:
        _expand_category_terms(body, rules)
        _add_site_counts(body.get("aggs") or {}, rules)
    return body


def suggestions(body: dict[str, Any], text: str, rules: Rules) -> dict[str, Any]:
    return hide(body, rules.hidden_while_typing(text))


def category_counts(body: dict[str, Any], rules: Rules) -> dict[str, Any]:
    """The all-categories request (``/categories``) with the site categories counted."""
    if rules.site_sources:
        _add_site_counts(body.get("aggs") or {}, rules)
    return body


def _expand_category_terms(node: Any, rules: Rules) -> None:
    if isinstance(node, dict):
        terms = node.get("terms")
        if isinstance(terms, dict) and isinstance(terms.get("category"), list):
            terms["category"] = rules.expand_categories(terms["category"])
        for value in node.values():
            _expand_category_terms(value, rules)
    elif isinstance(node, list):
        for item in node:
            _expand_category_terms(item, rules)


def _add_site_counts(aggs: dict[str, Any], rules: Rules) -> None:
    """Beside every ``categories`` terms aggregation, the exact count of each site category."""
    for name, agg in list(aggs.items()):
        if not isinstance(agg, dict):
            continue
        if name == CATEGORY_AGG and agg.get("terms", {}).get("field") == "category":
            aggs[SITE_AGG] = {
                "filters": {
                    "filters": {
                        site: {"terms": {"category": list(group)}}
                        for site, group in rules.site_sources.items()
                    }
                }
            }
        elif isinstance(agg.get("aggs"), dict):
            _add_site_counts(agg["aggs"], rules)


def _site_buckets(aggs: Any) -> dict[str, int] | None:
    if not isinstance(aggs, dict):
        return None
    if SITE_AGG in aggs and isinstance(aggs[SITE_AGG], dict):
        buckets = aggs[SITE_AGG].get("buckets") or {}
        return {k: int(v.get("doc_count", 0)) for k, v in buckets.items()}
    for value in aggs.values():
        found = _site_buckets(value)
        if found is not None:
            return found
    return None


def merge_facets(
    categories: list[CategoryCount], aggs: dict[str, Any], rules: Rules
) -> list[CategoryCount]:
    """The category facet with mapped labels folded into their site category."""
    counts = _site_buckets(aggs)
    if not rules.site_sources or counts is None:
        return categories
    from html import unescape

    folded = rules.mapped_sources | set(rules.site_sources)
    kept = [c for c in categories if unescape(c.value) not in folded]
    sites = [
        CategoryCount(value=escape(site), label=escape(rules.site_labels[site]), count=count)
        for site, count in counts.items()
        if count > 0 and site in rules.site_labels
    ]
    return sorted([*kept, *sites], key=lambda c: (-c.count, c.label))
