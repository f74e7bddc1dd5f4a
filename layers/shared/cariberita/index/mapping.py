"""Field mapping of the articles index. Bump INDEX_VERSION when a change needs a reindex."""

from __future__ import annotations

from typing import Any

from cariberita.index.analysis import analysis_settings

INDEX_VERSION = 1

# Bounded so that highlighting a very long body cannot fail the whole search.
MAX_ANALYZED_OFFSET = 1_000_000


def _text(boost_exact: bool = True) -> dict[str, Any]:
    # Offsets in the postings let the unified highlighter skip re-analysing long bodies.
    field: dict[str, Any] = {
        "type": "text",
        "analyzer": "id_news",
        "index_options": "offsets",
    }
    if boost_exact:
        field["fields"] = {
            "exact": {"type": "text", "analyzer": "id_exact", "index_options": "offsets"}
        }
    return field


def mappings() -> dict[str, Any]:
    """Mapping of an article document (see ``cariberita.articles.document``)."""
    lowercase_keyword = {"type": "keyword", "normalizer": "lowercase_keyword"}
    title = _text()
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
            "id": {"type": "keyword"},
            "title": title,
            "body": _text(),
            # Every breadcrumb level and the mapped site category, matched case-insensitively.
            "category": lowercase_keyword,
            # The breadcrumb as the source gave it (display and facets).
            "category_path": {"type": "keyword"},
            # The publisher's own section label before any taxonomy mapping.
            "source_category": {"type": "keyword"},
            "published_at": {"type": "date", "format": "strict_date_optional_time||epoch_millis"},
            "updated_at": {"type": "date", "format": "strict_date_optional_time||epoch_millis"},
            "author": {
                **lowercase_keyword,
                "fields": {"text": {"type": "text", "analyzer": "id_exact"}},
            },
            "editor": {
                **lowercase_keyword,
                "fields": {"text": {"type": "text", "analyzer": "id_exact"}},
            },
            # Stored and analysed, but in no query's fields: captions describe a photo.
            "image_caption": {"type": "text", "analyzer": "id_news"},
            "tags": lowercase_keyword,
            "url": {"type": "keyword", "ignore_above": 2048},
            "publisher": lowercase_keyword,
            # Shown, never searched: https only (articles/images.py).
            "image_url": {"type": "keyword", "index": False, "doc_values": False},
            # Fingerprint of title + opening shared by copies of a story: search collapses on it.
            "story": {"type": "keyword"},
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
            },
            "analysis": analysis_settings(),
        },
        "mappings": mappings(),
    }
