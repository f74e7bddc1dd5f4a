"""Search over an index built before the stored display fields (``INDEX_VERSION`` 1).

After a deploy and before ``cariberita-admin reindex``, the live index has the old mapping:
nothing is stored, so a request for ``stored_fields`` with ``"_source": false`` returns hits
without fields, and most documents have no ``story``, which a collapse would fold into one
result (OpenSearch groups missing values together). No request can ask the search role for the
mapping, so the shape is learnt from the answers themselves, once per container:

- a hit without its stored ``title`` (every article has one) although the request asked for
  it, or a refused collapse on an unmapped ``story`` (the search function can be updated
  before the deploy's bootstrap adds the field), means the index is *legacy*: the same
  request is sent again in its legacy form, and the verdict holds for ``LEGACY_TTL_S``;
  after that the normal form is tried again (one extra round trip per container every few
  minutes, only on a legacy index);
- the legacy form (:func:`adapt`) reads the display fields from ``_source`` (only those, not
  the body), highlights ``body`` (bounded by ``highlight.MAX_HIGHLIGHT_OFFSET``) besides
  ``lead`` so a snippet shows where ``lead`` is missing, and does not collapse: every article
  shows as before. It still asks for the stored fields, so the first answer from a rebuilt
  index ends the legacy verdict at once.

An index built before term vectors (``INDEX_VERSION`` 2) refuses the fast vector highlighter
(search/highlight.py) with a 400 that names the field: the same request is sent again with the
plain highlighter (:func:`plainly_highlighted`), and the verdict holds for ``LEGACY_TTL_S`` as
above. The legacy form is always plain (a version 1 index has no term vectors either).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from cariberita.index.mapping import SHOWN
from cariberita.search import highlight
from cariberita.search.query import NO_STORED_FIELDS

LEGACY_TTL_S = 300.0
# Stored field -> the document field it shows (``category.shown`` -> ``category``).
_DOCUMENT_FIELD = {stored: name for name, stored in SHOWN.items()}
_TITLE = SHOWN["title"]
# Asked besides the snippet field in legacy form: an old document has a body and no lead.
BODY_FIELD = "body"

Send = Callable[[dict[str, Any]], dict[str, Any]]


class UnmappedField(Exception):
    """The index refused a request on a field it does not map (a collapse on ``story`` before
    the deploy added it): the index is legacy."""


class NoTermVectors(Exception):
    """The index refused the fast vector highlighter: it was built before term vectors."""


def _inner_hits(body: dict[str, Any]) -> dict[str, Any] | None:
    """The collapse's ``inner_hits`` request, when the page is read through it: the hits
    themselves then ask for no stored field (``sort=newest``, search/query.py)."""
    collapse = body.get("collapse")
    inner = collapse.get("inner_hits") if isinstance(collapse, dict) else None
    if isinstance(inner, dict) and body.get("stored_fields") == NO_STORED_FIELDS:
        return inner
    return None


def asks_stored_title(body: dict[str, Any]) -> bool:
    asking = _inner_hits(body) or body
    fields = asking.get("stored_fields")
    return asking.get("_source") is False and isinstance(fields, list) and _TITLE in fields


def _shown_hit(hit: dict[str, Any]) -> dict[str, Any]:
    """The hit a result shows: its story's first copy when inner hits came with it."""
    for inner in (hit.get("inner_hits") or {}).values():
        copies = inner.get("hits", {}).get("hits") if isinstance(inner, dict) else None
        if copies:
            first: dict[str, Any] = copies[0]
            return first
    return hit


def _has_title(hit: dict[str, Any]) -> bool:
    return _TITLE in (_shown_hit(hit).get("fields") or {})


def lacks_stored_fields(body: dict[str, Any], response: dict[str, Any]) -> bool:
    """Whether ``response`` shows an index without stored display fields."""
    if not asks_stored_title(body):
        return False
    hits = response.get("hits", {}).get("hits", [])
    return not all(_has_title(hit) for hit in hits)


def has_stored_fields(response: dict[str, Any]) -> bool:
    """Whether every hit of ``response`` carries its stored title (and there is one)."""
    hits = response.get("hits", {}).get("hits", [])
    return bool(hits) and all(_has_title(hit) for hit in hits)


def plainly_highlighted(body: dict[str, Any]) -> dict[str, Any]:
    """``body`` with the plain highlighter wherever it asks for the fast vector one (the page's
    hits and a story's copies, ``collapse.inner_hits``): for an index without term vectors."""
    out = dict(body)
    if isinstance(out.get("highlight"), dict):
        out["highlight"] = highlight.as_plain(out["highlight"])
    collapse = out.get("collapse")
    if not isinstance(collapse, dict):
        return out
    inner = collapse.get("inner_hits")  # one block, never a list (search/query.py)
    if isinstance(inner, dict) and isinstance(inner.get("highlight"), dict):
        plain = {**inner, "highlight": highlight.as_plain(inner["highlight"])}
        out["collapse"] = {**collapse, "inner_hits": plain}
    return out


def adapt(body: dict[str, Any]) -> dict[str, Any]:
    """The legacy form of a request: display fields from ``_source``, no collapse, body
    snippets, no story count, the plain highlighter."""
    out = plainly_highlighted(body)
    inner = _inner_hits(out)
    out.pop("collapse", None)
    if inner is not None:
        # Without the collapse the hits are the page: they ask what its copies asked.
        out.update({k: inner[k] for k in ("_source", "stored_fields", "highlight") if k in inner})
    if out.get("_source") is False and out.get("stored_fields"):
        fields = [_DOCUMENT_FIELD[f] for f in out["stored_fields"] if f in _DOCUMENT_FIELD]
        out["_source"] = {"includes": fields}
    if isinstance(out.get("aggs"), dict) and "stories" in out["aggs"]:
        out["aggs"] = {k: v for k, v in out["aggs"].items() if k != "stories"}
    marks = out.get("highlight")
    if isinstance(marks, dict) and highlight.SNIPPET_FIELD in marks.get("fields", {}):
        shown = marks["fields"][highlight.SNIPPET_FIELD]
        out["highlight"] = {
            **marks,
            "fields": {**marks["fields"], BODY_FIELD: shown, f"{BODY_FIELD}.exact": shown},
        }
    return out


class IndexShape:
    """Whether the live index is legacy, or has no term vectors, learnt from answers (see the
    module docstring)."""

    def __init__(self, ttl_s: float = LEGACY_TTL_S, clock: Callable[[], float] = time.monotonic):
        self._ttl_s = ttl_s
        self._clock = clock
        self._legacy_until = 0.0
        self._plain_until = 0.0

    @property
    def legacy(self) -> bool:
        return self._clock() < self._legacy_until

    @property
    def plain(self) -> bool:
        """Whether the index was last seen without term vectors (highlights go plain)."""
        return self._clock() < self._plain_until

    def search(self, send: Send, body: dict[str, Any]) -> dict[str, Any]:
        """``send(body)``, with the plain highlighter while the index has no term vectors, and
        in legacy form while it is legacy; re-sent once when a refusal or an answer shows that
        the index has just become so."""
        if self.plain:
            return self._search(send, plainly_highlighted(body))
        try:
            return self._search(send, body)
        except NoTermVectors:
            plain = plainly_highlighted(body)
            if plain == body:
                raise  # nothing the plain form would change: a bug, not an old index
            self._plain_until = self._clock() + self._ttl_s
            return self._search(send, plain)

    def _search(self, send: Send, body: dict[str, Any]) -> dict[str, Any]:
        if self.legacy:
            answer = send(adapt(body))
            if has_stored_fields(answer):
                self._legacy_until = 0.0  # rebuilt: the next request has the normal form
            return answer
        response: dict[str, Any] | None
        try:
            response = send(body)
        except UnmappedField:
            if adapt(body) == body:
                raise  # nothing the legacy form would change: a bug, not an old index
            response = None
        if response is not None and not lacks_stored_fields(body, response):
            return response
        self._legacy_until = self._clock() + self._ttl_s
        return send(adapt(body))


def shape_of(store: Any) -> IndexShape | None:
    """The store's :class:`IndexShape`, if it keeps one (fakes in unit tests need not)."""
    shape = getattr(store, "shape", None)
    return shape if isinstance(shape, IndexShape) else None


def is_legacy(store: Any) -> bool:
    shape = shape_of(store)
    return shape is not None and shape.legacy
