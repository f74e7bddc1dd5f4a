"""The fixed query mix: realistic reader requests against the news corpus, by kind.

Each entry is the query string a reader's browser sends to ``GET /search``. The raw-client
reference replays the exact OpenSearch requests the handler made for the same entry.
"""

from __future__ import annotations

from typing import Any

QUERY_MIX: list[tuple[str, dict[str, Any]]] = [
    ("plain", {"q": "banjir jakarta"}),
    ("plain", {"q": "timnas indonesia"}),
    ("plain", {"q": "kebakaran hutan riau"}),
    ("plain", {"q": "harga cabai naik"}),
    ("filtered", {"q": "korupsi", "category": "nasional"}),
    ("filtered", {"q": "gempa", "date_from": "2019-09-12", "date_to": "2019-09-18"}),
    ("facets", {"q": "pemerintah", "category": ["bola", "selebriti"]}),
    ("facets", {"q": ""}),
    ("sorted", {"q": "pemilu", "sort": "newest"}),
    ("sorted", {"q": "kpk", "sort": "oldest"}),
    ("paged", {"q": "sepak bola", "page": 3}),
    ("paged", {"q": "artis", "page": 5, "size": 20}),
]

# Used only when functions/search/app.py does not exist yet (for the scale benchmark).
FALLBACK_BODIES: list[tuple[str, dict[str, Any]]] = [
    (
        "plain",
        {
            "query": {"multi_match": {"query": "banjir jakarta", "fields": ["title^3", "body"]}},
            "size": 10,
        },
    ),
    (
        "filtered",
        {
            "query": {
                "bool": {
                    "must": {"multi_match": {"query": "korupsi", "fields": ["title^3", "body"]}},
                    "filter": [{"term": {"category": "nasional"}}],
                }
            },
            "size": 10,
        },
    ),
    (
        "facets",
        {
            "query": {"multi_match": {"query": "pemerintah", "fields": ["title^3", "body"]}},
            "aggs": {"category": {"terms": {"field": "category", "size": 20}}},
            "size": 10,
        },
    ),
    (
        "sorted",
        {"query": {"match": {"body": "pemilu"}}, "sort": [{"published_at": "desc"}], "size": 10},
    ),
    ("paged", {"query": {"match": {"body": "sepak bola"}}, "from": 20, "size": 10}),
]
