"""Field mapping of the articles index. Bump INDEX_VERSION when a change needs a reindex.

Version 2 stores the display fields and adds ``lead`` and ``story`` (derived at ingest). An
index built before (version 1) is reported ``reindex_needed`` by the deploy; until the reindex,
search reads its ``_source`` and does not collapse (search/legacy.py), and the reindex fills
``lead`` and ``story`` from each document's ``_source`` (index/reindex_check.py).
docs/operations.md, "Stored fields".

Version 3 keeps term vectors (with positions and offsets) of the two highlighted fields,
``title`` and ``lead``, so snippets are cut by the fast vector highlighter without analysing
the text again. A version 2 index is reported ``reindex_needed``; until the reindex, search
highlights it with the plain highlighter, as before (search/legacy.py, ``IndexShape``).
"""

from __future__ import annotations

from typing import Any

from cariberita.index.analysis import analysis_settings

INDEX_VERSION = 3

# Bounded so that highlighting a very long body cannot fail the whole search.
MAX_ANALYZED_OFFSET = 1_000_000

# Search slow log thresholds, per shard and phase. OpenSearch's default (-1) logs nothing, so
# the slow log the template publishes to CloudWatch stayed empty. A typical search is 10-30 ms
# on the node and raw p99 stays under 200 ms up to 1M articles (docs/benchmarks.md): ``info``
# at 200 ms logs only the tail; ``warn`` at 1 s is a third of SEARCH_TIMEOUT_MS (3,000 ms, then
# a 503) and below the 1.5 s latency alarm, so the queries behind an alarm are there. The fetch
# phase (stored fields, highlights) takes ~90 ms for the costliest page measured, 50 of the
# longest articles (docs/reliability.md): 100 ms logs only worse. Dynamic settings: creating
# the index sets them, ``ensure_index`` (every deploy) applies them live (index/manager.py).
SEARCH_SLOW_LOG = {
    "search.slowlog.threshold.query.warn": "1s",
    "search.slowlog.threshold.query.info": "200ms",
    "search.slowlog.threshold.fetch.warn": "500ms",
    "search.slowlog.threshold.fetch.info": "100ms",
}

# What a result shows, by name in the document -> the stored field that holds it as ingested.
# Search reads these (``stored_fields``) and never ``_source``: reading any field from
# ``_source`` parses the whole document, about 25 ms for a 490,000-character body, so a hit's
# cost would grow with its body (docs/reliability.md, "Bounded cost per request"). A field with
# a normalizer or a date stores its normalised form, so its ``shown`` twin keeps the original.
SHOWN = {
    "id": "id",
    "title": "title",
    "url": "url",
    "category_path": "category_path",
    "category": "category.shown",
    "published_at": "published_at.shown",
    "author": "author.shown",
    "tags": "tags.shown",
    "publisher": "publisher.shown",
    "image_url": "image_url",
    "story": "story",
}
# The story again, only on articles whose story has another copy (index/shared_stories.py).
SHARED_STORY = "shared_story"
# Fields no article document carries: the index writer keeps them across documents.
KEPT_BY_WRITER = frozenset({SHARED_STORY})
_SHOWN_TWIN = {"shown": {"type": "keyword", "index": False, "doc_values": False, "store": True}}


def _text(boost_exact: bool = True, store: bool = False, vectors: bool = False) -> dict[str, Any]:
    # Offsets in the postings let the unified highlighter skip re-analysing long bodies. A
    # highlighted field is stored (with its exact twin): the highlighter reads a field that is
    # not from ``_source``, which it parses whole. ``vectors``: the field's term vectors, which
    # the fast vector highlighter reads instead of analysing the text again, at ~14% more index
    # on the corpus (search/highlight.py).
    field: dict[str, Any] = {
        "type": "text",
        "analyzer": "id_news",
        "index_options": "offsets",
    }
    if vectors:
        field["term_vector"] = "with_positions_offsets"
    if boost_exact:
        field["fields"] = {
            "exact": {"type": "text", "analyzer": "id_exact", "index_options": "offsets"}
        }
    if store:
        field["store"] = True
        if boost_exact:
            field["fields"]["exact"]["store"] = True
    return field


def mappings() -> dict[str, Any]:
    """Mapping of an article document (see ``cariberita.articles.document``)."""
    lowercase_keyword = {"type": "keyword", "normalizer": "lowercase_keyword"}
    shown_keyword = {**lowercase_keyword, "fields": _SHOWN_TWIN}
    title = _text(store=True, vectors=True)
    title["fields"]["suggest"] = {
        "type": "search_as_you_type",
        "analyzer": "id_exact",
        "max_shingle_size": 3,
    }
    title["fields"]["sort"] = {
        "type": "keyword",
        "normalizer": "lowercase_keyword",
        "ignore_above": 512,
    }
    return {
        "dynamic": "strict",
        "properties": {
            "id": {"type": "keyword", "store": True},
            "title": title,
            "body": _text(),
            # The body's first LEAD_CHARS characters (articles/document.py): snippets are
            # highlighted here, so a hit costs the same whatever the length of its body.
            "lead": _text(store=True, vectors=True),
            # Every breadcrumb level and the mapped site category, matched case-insensitively.
            "category": shown_keyword,
            # The breadcrumb as the source gave it (display and facets).
            "category_path": {"type": "keyword", "store": True},
            # The publisher's own section label before any taxonomy mapping.
            "source_category": {"type": "keyword"},
            "published_at": {
                "type": "date",
                "format": "strict_date_optional_time||epoch_millis",
                "fields": _SHOWN_TWIN,
            },
            "updated_at": {"type": "date", "format": "strict_date_optional_time||epoch_millis"},
            "author": {
                **lowercase_keyword,
                "fields": {"text": {"type": "text", "analyzer": "id_exact"}, **_SHOWN_TWIN},
            },
            "editor": {
                **lowercase_keyword,
                "fields": {"text": {"type": "text", "analyzer": "id_exact"}},
            },
            # Stored and analysed, but in no query's fields: captions describe a photo.
            "image_caption": {"type": "text", "analyzer": "id_news"},
            "tags": shown_keyword,
            "url": {"type": "keyword", "ignore_above": 2048, "store": True},
            "publisher": shown_keyword,
            # Shown, never searched: https only (articles/images.py).
            "image_url": {"type": "keyword", "index": False, "doc_values": False, "store": True},
            # Fingerprint of title + opening shared by copies of a story: search collapses on it.
            "story": {"type": "keyword", "store": True},
            # The story again, only on articles whose story has another copy (kept at ingest,
            # index/shared_stories.py): search counts copies over it, not over every story.
            SHARED_STORY: {"type": "keyword"},
            # The S3 object (``bucket/key``) the current version of the article came from.
            "source": {"type": "keyword"},
            "ingested_at": {"type": "date"},
        },
    }


def index_body(shards: int = 1, replicas: int = 0) -> dict[str, Any]:
    """Settings and mappings for a new concrete index version."""
    return {
        "settings": {
            "index": {
                "number_of_shards": shards,
                "number_of_replicas": replicas,
                "highlight.max_analyzed_offset": MAX_ANALYZED_OFFSET,
                "max_result_window": 10_000,
                **SEARCH_SLOW_LOG,
            },
            "analysis": analysis_settings(),
        },
        "mappings": mappings(),
    }
