"""The shard request cache keeps searches without reader text (landing page, browsing) only."""

from __future__ import annotations

from typing import Any

import pytest
from cariberita.search import query, suggest
from cariberita.search.params import SearchParams
from cariberita.search.store import OpenSearchStore, cacheable


class RecordingClient:
    """Records the keyword arguments of each ``search`` call; answers an empty page."""

    def __init__(self) -> None:
        self.calls: list[dict[str, Any]] = []

    def search(self, **kwargs: Any) -> dict[str, Any]:
        self.calls.append(kwargs)
        return {"took": 1, "hits": {"total": {"value": 0, "relation": "eq"}, "hits": []}}


def body_for(**params: Any) -> dict[str, Any]:
    search = SearchParams.from_query(**params)
    body = query.search_body(search, 1000)
    section = suggest.spelling_section(search.q, query.scope(body)) if search.q else None
    if section:
        body["suggest"] = section
    return body


@pytest.mark.parametrize(
    ("params", "cached"),
    [
        ({"q": ""}, True),
        ({"q": "", "category": "nasional"}, True),
        ({"q": "", "date_from": "2019-09-12", "sort": "newest"}, True),
        ({"q": "banjir jakarta"}, False),
        ({"q": "polres jayapura geledah asrama musa hisage"}, False),  # no suggester, still text
        ({"q": "", "author": "Budi Santoso"}, False),  # an author's name is text a reader typed
    ],
)
def test_only_searches_without_reader_text_are_cached(params, cached):
    assert cacheable(body_for(**params)) is cached


def test_the_store_asks_for_the_cache_only_then():
    client = RecordingClient()
    store = OpenSearchStore(client, "articles", 1000)  # type: ignore[arg-type]
    store.search(body_for(q=""))
    store.search(body_for(q="banjir"))
    assert [c["request_cache"] for c in client.calls] == ["true", None]
