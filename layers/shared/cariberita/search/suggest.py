"""As-you-type title suggestions and "did you mean" spelling corrections."""

from __future__ import annotations

from typing import Any

from cariberita.search import highlight
from cariberita.search.ranking import FUZZINESS
from cariberita.search.schemas import Suggestion

SUGGEST_SIZE = 6
# "did you mean" is only worth a second query when the search found (almost) nothing.
FEW_HITS = 3


def suggest_body(q: str, timeout_ms: int) -> dict[str, Any]:
    """Titles whose words start with what was typed (last word as a prefix), typo-tolerant."""
    prefix_fields = ["title.suggest", "title.suggest._2gram", "title.suggest._3gram"]
    return {
        "size": SUGGEST_SIZE,
        "timeout": f"{timeout_ms}ms",
        "_source": ["id", "title", "url", "published_at"],
        "track_total_hits": False,
        "query": {
            "bool": {
                "should": [
                    {
                        "multi_match": {
                            "query": q,
                            "type": "bool_prefix",
                            "fields": prefix_fields,
                            "operator": "and",
                        }
                    },
                    # A typo in a finished word; bool_prefix never fuzzes the last (prefix) term.
                    {
                        "multi_match": {
                            "query": q,
                            "type": "bool_prefix",
                            "fields": prefix_fields,
                            "fuzziness": FUZZINESS,
                            "prefix_length": 1,
                            "max_expansions": 20,
                            "operator": "and",
                            "boost": 0.5,
                        }
                    },
                    {
                        "match": {
                            "title.exact": {
                                "query": q,
                                "fuzziness": FUZZINESS,
                                "prefix_length": 1,
                                "max_expansions": 20,
                                "operator": "and",
                                "boost": 0.3,
                            }
                        }
                    },
                ],
                "minimum_should_match": 1,
            }
        },
        "sort": [
            {"_score": "desc"},
            {"published_at": {"order": "desc", "missing": "_last"}},
            {"id": "asc"},
        ],
    }


def shape_suggestions(response: dict[str, Any]) -> list[Suggestion]:
    out = []
    for hit in response.get("hits", {}).get("hits", []):
        source = hit.get("_source", {})
        out.append(
            Suggestion(
                id=highlight.escape(source.get("id") or hit["_id"]),
                title=highlight.escape(source.get("title")),
            )
        )
    return out


def spelling_body(q: str) -> dict[str, Any]:
    """A phrase suggester over the unstemmed fields (stems are not words a reader would type)."""
    return {
        "size": 0,
        "suggest": {
            "text": q,
            "spelling": {
                "phrase": {
                    "field": "body.exact",
                    "size": 3,
                    "gram_size": 1,
                    "max_errors": 2,
                    "confidence": 0.0,
                    "direct_generator": [
                        {
                            "field": "body.exact",
                            "suggest_mode": "always",
                            "min_word_length": 4,
                            "prefix_length": 0,
                        },
                        {
                            "field": "title.exact",
                            "suggest_mode": "always",
                            "min_word_length": 4,
                            "prefix_length": 0,
                        },
                    ],
                }
            },
        },
    }


def spelling_candidates(response: dict[str, Any], q: str) -> list[str]:
    entries = response.get("suggest", {}).get("spelling", [])
    options = [o.get("text", "") for e in entries for o in e.get("options", [])]
    seen = {q.lower()}
    out = []
    for text in options:
        if text and text.lower() not in seen:
            seen.add(text.lower())
            out.append(text)
    return out
