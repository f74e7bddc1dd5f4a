"""The relevance query for free text, and why each part is there.

Scoring, outermost first:
- A soft recency multiplier: ``1 + RECENCY_WEIGHT * gauss(published_at)`` (half-life about
  ``RECENCY_SCALE`` from now), so among equally relevant articles the newer wins, but a much
  better match is never pushed down by age alone (at most x1.25).
- Required: the Indonesian-analysed match over ``title`` (boosted) and ``body`` (stems and acronym
  synonyms from ``id_news_search``), OR a typo-tolerant match on the unstemmed ``*.exact`` fields
  (fuzziness ``AUTO:5,10``: no edits below 5 letters, one up to 9, two from 10; first letter
  fixed). Two edits from 8 letters let ``pelayanan`` match ``pelajaran``: Indonesian has many
  9-letter words two letters apart, while readers' typos are mostly one slip.
- Optional boosts: the same words unstemmed (exact word beats a stem match) and the query as a
  phrase (adjacent words beat scattered ones).

User text only ever reaches ``match``-family queries, never a query parser.
"""

from __future__ import annotations

from typing import Any

TITLE_BOOST = 3.0
FIELDS = [f"title^{TITLE_BOOST}", "body"]
EXACT_FIELDS = [f"title.exact^{TITLE_BOOST}", "body.exact"]
# Two or three words must all match; from four words on, three quarters of them.
MINIMUM_SHOULD_MATCH = "3<75%"
FUZZINESS = "AUTO:5,10"
# Fuzzy expansion is the costliest part; long queries do without it (clause limits and time).
MAX_FUZZY_WORDS = 6
FUZZY_MAX_EXPANSIONS = 20
# A phrase over acronym synonyms expands to one path per combination (2^acronyms): ten acronyms
# in one query exceed the 1,024-clause limit. Longer queries rank without the phrase boost.
MAX_PHRASE_WORDS = 6
EXACT_BOOST = 1.5
PHRASE_BOOST = 2.0
RECENCY_WEIGHT = 0.25
RECENCY_SCALE = "30d"


def text_query(q: str) -> dict[str, Any]:
    """The scoring query for a non-empty, normalised ``q``."""
    required: list[dict[str, Any]] = [
        {
            "multi_match": {
                "query": q,
                "fields": FIELDS,
                "type": "best_fields",
                "tie_breaker": 0.3,
                "minimum_should_match": MINIMUM_SHOULD_MATCH,
            }
        }
    ]
    if len(q.split()) <= MAX_FUZZY_WORDS:
        required.append(
            {
                "multi_match": {
                    "query": q,
                    "fields": EXACT_FIELDS,
                    "type": "best_fields",
                    "tie_breaker": 0.3,
                    "fuzziness": FUZZINESS,
                    "prefix_length": 1,
                    "max_expansions": FUZZY_MAX_EXPANSIONS,
                    "minimum_should_match": MINIMUM_SHOULD_MATCH,
                    # Fuzzy matches score below real ones.
                    "boost": 0.5,
                }
            }
        )
    boosts: list[dict[str, Any]] = [
        {
            "multi_match": {
                "query": q,
                "fields": EXACT_FIELDS,
                "type": "best_fields",
                "tie_breaker": 0.3,
                "boost": EXACT_BOOST,
            }
        }
    ]
    if len(q.split()) <= MAX_PHRASE_WORDS:
        boosts.append(
            {
                "multi_match": {
                    "query": q,
                    "fields": FIELDS,
                    "type": "phrase",
                    "slop": 1,
                    "boost": PHRASE_BOOST,
                }
            }
        )
    relevance = {"bool": {"should": required, "minimum_should_match": 1}}
    return {"bool": {"must": [relevance], "should": boosts}}


def with_recency(query: dict[str, Any]) -> dict[str, Any]:
    """Multiply the score by ``1 + RECENCY_WEIGHT * decay(age)``.

    OpenSearch counts an undated article as new; ingestion dates every article.
    """
    return {
        "function_score": {
            "query": query,
            "functions": [
                {"weight": 1.0},
                {
                    "gauss": {
                        "published_at": {
                            # Rounded to the hour so the query stays cacheable between requests.
                            "origin": "now/h",
                            "scale": RECENCY_SCALE,
                            "offset": "1d",
                            "decay": 0.5,
                        },
                        "multi_value_mode": "max",
                    },
                    "weight": RECENCY_WEIGHT,
                },
            ],
            "score_mode": "sum",
            "boost_mode": "multiply",
        }
    }
