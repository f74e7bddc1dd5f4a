"""Cursors are signed, bound to their query, and refused with a 400 when they are not ours."""

from __future__ import annotations

import base64
import hashlib
import json

import pytest
from cariberita.errors import InvalidRequest
from cariberita.search import cursor
from cariberita.search.params import SearchParams

SECRET = "geheim-0123456789abcdef"  # secrets-scan: allow (test-only key)


def test_round_trip_keeps_position_and_count():
    params = SearchParams.from_query(q="banjir", category=["Hukrim"])
    token = cursor.encode(SECRET, params, [3.5, 1710000000000, "cb-0001"], 20)
    position = cursor.decode(SECRET, params, token)
    assert position.search_after == [3.5, 1710000000000, "cb-0001"]
    assert position.seen == 20


def test_page_size_may_change_between_pages():
    token = cursor.encode(SECRET, SearchParams.from_query(q="banjir", size=10), [1], 10)
    assert cursor.decode(SECRET, SearchParams.from_query(q="banjir", size=50), token).seen == 10


def test_query_differing_only_in_case_or_spacing_keeps_its_cursor():
    token = cursor.encode(SECRET, SearchParams.from_query(q="Banjir  Bandang"), [1], 10)
    assert cursor.decode(SECRET, SearchParams.from_query(q="banjir bandang"), token).seen == 10


@pytest.mark.parametrize(
    "other",
    [
        {"q": "gempa"},
        {"q": "banjir", "sort": "newest"},
        {"q": "banjir", "category": ["bola"]},
        {"q": "banjir", "tag": "cuaca"},
        {"q": "banjir", "collapse": False},  # counts articles where the other counts stories
    ],
)
def test_cursor_for_another_query_is_refused(other):
    token = cursor.encode(SECRET, SearchParams.from_query(q="banjir"), [1], 10)
    with pytest.raises(InvalidRequest) as err:
        cursor.decode(SECRET, SearchParams.from_query(**other), token)
    assert err.value.code == "cursor_mismatch"
    assert err.value.field == "cursor"


def _forge(token: str) -> str:
    body, _, sig = token.partition(".")
    payload = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    payload["n"] = 9_000
    forged = base64.urlsafe_b64encode(json.dumps(payload).encode()).rstrip(b"=").decode()
    return f"{forged}.{sig}"


@pytest.mark.parametrize(
    "make_bad",
    [
        _forge,
        lambda t: t + "A",
        lambda t: t.split(".")[0],
        lambda t: "",
        lambda t: "!!!.???",
        lambda t: "ÿÿÿ.ÿÿ",
    ],
)
def test_tampered_or_garbage_cursor_is_refused(make_bad):
    params = SearchParams.from_query(q="banjir")
    token = cursor.encode(SECRET, params, [1], 10)
    with pytest.raises(InvalidRequest) as err:
        cursor.decode(SECRET, params, make_bad(token))
    assert err.value.field == "cursor"


def test_cursor_signed_with_another_secret_is_refused():
    params = SearchParams.from_query(q="banjir")
    token = cursor.encode("another-secret-0123456789", params, [1], 10)
    with pytest.raises(InvalidRequest):
        cursor.decode(SECRET, params, token)


def test_a_collapsed_cursor_keeps_the_fingerprint_it_had_before_collapse_was_bound():
    # Readers paging across a deploy keep their cursor: the default enters nothing new.
    params = SearchParams.from_query(q="Banjir", category=["bola"], sort="newest")
    before = {"q": "banjir", "f": params.filters.asked(), "s": "newest"}
    canonical = json.dumps(before, sort_keys=True, ensure_ascii=True).encode()
    assert cursor.fingerprint(params) == hashlib.sha256(canonical).hexdigest()[:16]
