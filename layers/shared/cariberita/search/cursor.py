"""Opaque, signed pagination cursors.

A cursor carries the sort values of the last result shown (OpenSearch ``search_after``), how
many results came before it and a fingerprint of the query, filters and sort. It is HMAC-signed:
a cursor that was altered, forged or made for another query is refused with a 400, and it lets
readers go past the 10,000-result window that page numbers are limited to.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from dataclasses import dataclass
from typing import Any

from cariberita.errors import InvalidRequest
from cariberita.search.params import SearchParams

_VERSION = 1
_SIG_BYTES = 16


@dataclass(frozen=True)
class Position:
    search_after: list[Any]
    seen: int


def fingerprint(params: SearchParams) -> str:
    """What must not change between pages: query text, every filter, sort and collapse (not the
    page size). A cursor's count is of stories on a collapsed page and of articles otherwise, so
    one made with ``collapse=false`` must not page a collapsed search. Collapse enters only
    when off: cursors of default searches keep the fingerprint they had before it did."""
    asked: dict[str, object] = {
        "q": params.q.lower(),
        "f": params.filters.asked(),
        "s": params.sort,
    }
    if not params.collapse:
        asked["c"] = False
    canonical = json.dumps(asked, sort_keys=True, ensure_ascii=True)
    return hashlib.sha256(canonical.encode()).hexdigest()[:16]


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _sign(secret: str, payload: bytes) -> bytes:
    return hmac.new(secret.encode(), payload, hashlib.sha256).digest()[:_SIG_BYTES]


def encode(secret: str, params: SearchParams, search_after: list[Any], seen: int) -> str:
    payload = json.dumps(
        {"v": _VERSION, "a": search_after, "n": seen, "h": fingerprint(params)},
        separators=(",", ":"),
    ).encode()
    return f"{_b64(payload)}.{_b64(_sign(secret, payload))}"


def decode(secret: str, params: SearchParams, cursor: str) -> Position:
    """The position a cursor points at; InvalidRequest (field ``cursor``) if it is not ours."""
    bad = InvalidRequest("cursor is invalid or expired; start again from the first page", "cursor")
    try:
        body, _, sig = cursor.partition(".")
        payload, signature = _unb64(body), _unb64(sig)
        # Base64 decoding skips stray characters and padding: only our own spelling is a cursor.
        if _b64(payload) != body or _b64(signature) != sig:
            raise bad
        if not hmac.compare_digest(_sign(secret, payload), signature):
            raise bad
        data = json.loads(payload)
    except (ValueError, UnicodeError) as exc:
        raise bad from exc
    if not isinstance(data, dict) or data.get("v") != _VERSION:
        raise bad
    if data.get("h") != fingerprint(params):
        raise InvalidRequest(
            "cursor belongs to a different query, filter or sort; start again from the first page",
            "cursor",
            code="cursor_mismatch",
        )
    after, seen = data.get("a"), data.get("n")
    if not isinstance(after, list) or not isinstance(seen, int):
        raise bad
    return Position(after, seen)
