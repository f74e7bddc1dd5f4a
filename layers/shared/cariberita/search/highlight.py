"""Highlighting that is safe to put into HTML.

OpenSearch wraps matches in two private-use characters (never in normalised queries, and
stripped from stored text before escaping is undone); we HTML-escape the whole fragment, then
turn only balanced marker pairs into ``<mark>`` elements. Nothing the article contains can
become markup.
"""

from __future__ import annotations

import html
import re
from typing import TYPE_CHECKING, Any

from cariberita.search import ranking
from cariberita.search.params import MAX_SIZE

if TYPE_CHECKING:
    from cariberita.search.ranking import Concept

PRE, POST = "\ue000", "\ue001"
# The highlighter that reads stored term vectors (OpenSearch's name for it).
FAST_VECTOR = "fvh"
_PAIR = re.compile(f"{PRE}([^{PRE}{POST}]*){POST}")
_STRAY = re.compile(f"[{PRE}{POST}]")
# Markers that all come in pairs, none nested: the two can then be replaced as they stand (half
# the time of the general path: a page renders ~25 fragments).
_PAIRED = re.compile(f"[^{PRE}{POST}]*(?:{PRE}[^{PRE}{POST}]*{POST}[^{PRE}{POST}]*)*")
# Most stored strings need no escaping at all; one scan finds out (this runs ~10 times per hit).
_NEEDS_ESCAPING = re.compile(f"[&<>\"'{PRE}{POST}]")

# Snippets are cut from the body's stored start (index/mapping.py, ``lead``), never the body
# itself: the highlighter reads a field whole, so its cost per hit is bounded by the lead's size.
SNIPPET_FIELD = "lead"
BODY_FRAGMENT_CHARS = 160
BODY_FRAGMENTS = 2
# Matches per field the fast vector highlighter weighs to choose fragments (its default: 256).
# A lead of the long-article fixture where the 32-word worst query recurs holds hundreds, and a
# page of 50 of them took 44 ms of node time at 256, 35 at 64. On the benchmark's 88 reader
# queries over the corpus, all 850 hits' highlights are the same at 64 as at 256.
FAST_VECTOR_PHRASES = 64
# Shown when the body has no match (or q is empty): the start of the article.
NO_MATCH_CHARS = 200
# No block reads more than the first this-many characters of a field, so its cost per
# hit does not grow with the body. A match beyond is still found; its snippet is the start.
# News articles are a few thousand characters; 20,000 covers nearly all of them whole.
MAX_HIGHLIGHT_OFFSET = 20_000
# Every highlighted field of a hit is one read of its stored document, which holds the whole
# ``_source``: about 0.3 ms for an article of 490,000 characters, whatever the field's size. So
# a page of long articles costs per hit and per field; the per-page bounds below keep the rest
# (analysis of the leads, the query's words) from multiplying that. docs/reliability.md,
# "Bounded cost per request".
# Characters of leads the plain highlighter analyses per page of a search with a query (on an
# index from before version 3; the fast vector one reads the lead's term vectors whole, bounded
# by its LEAD_CHARS, whatever the page size): a default
# page (10 results) reads each 5,000-character lead whole, a page of 50 its first 1,000. On the
# judged and known-item queries over the corpus subset, 1,000 characters still mark 94% of the
# snippets (98% whole); analysing 5,000 per hit was most of a page of 50 long articles.
PAGE_HIGHLIGHT_CHARS = 50_000
# A block built without its page (the newest articles with no query, a story's copies) bounds
# each field as a page of MAX_SIZE does. With no query nothing can be marked and the snippet is
# the first NO_MATCH_CHARS; a copy's snippet (shown on sort=newest) marks matches in that much.
UNSIZED_OFFSET = PAGE_HIGHLIGHT_CHARS // MAX_SIZE
# The concepts of a query that its snippets mark (ranking.read): a reader's query has a dozen at
# most; the highlighter re-runs each over every hit, so the longest valid query (32 words) is
# capped. A concept beyond still finds and ranks its articles.
MARKED_CONCEPTS = 12


def request(max_offset: int) -> dict[str, Any]:
    """The ``highlight`` block of a search with a query; bounded work per hit (fragment count
    and size, and ``max_offset`` characters analysed per field where the text is analysed)."""
    return {
        **_tags(),
        # The fast vector highlighter reads each hit's stored term vectors of ``title`` and
        # ``lead`` (index/mapping.py, version 3) instead of analysing their text again: on the
        # benchmark's reader queries over the corpus the body cost 15.8 ms p50 against 19.6 with
        # the plain highlighter (11.4 without highlights), the same snippets marked. Its work
        # per hit is bounded by the lead's size (LEAD_CHARS). An index built before version 3
        # has no term vectors and refuses it: the same block goes as ``plain`` there
        # (:func:`as_plain`, search/legacy.py), which honours ``max_analyzer_offset``. The
        # unified highlighter is not used: it reads our stored offsets and ignores that bound
        # (on a page of 50 bodies of 490,000 characters where the query's words recur it ran
        # past 100 s on the node) and, on the lead, cost 3-4x plain on long articles.
        "type": FAST_VECTOR,
        "phrase_limit": FAST_VECTOR_PHRASES,
        "max_analyzer_offset": max_offset,
        "fields": {"title": {"number_of_fragments": 0}, SNIPPET_FIELD: _snippet()},
    }


def as_plain(block: dict[str, Any]) -> dict[str, Any]:
    """``block`` for an index without term vectors: the plain highlighter, the same fields and
    bounds (``max_analyzer_offset``). Blocks of another type are returned as they are."""
    if block.get("type") != FAST_VECTOR:
        return block
    return {**block, "type": "plain"}


def opening() -> dict[str, Any]:
    """The ``highlight`` block of a search without a query, which only cuts each hit's
    snippet: the lead's first NO_MATCH_CHARS, to the end of the word. The title is left out
    (nothing to mark: each field is one more read of a hit's stored document).

    Unified, because the plain highlighter analyses the lead to find where to cut and the
    unified one does not: node time for a corpus listing page of 50 44 -> 20 ms, for the
    newest 50 of 99,000-character articles 47.5 -> 22 ms (docs/search.md, "Without a query").
    With nothing to mark, unified's cost on long articles (above) cannot arise."""
    return {
        **_tags(),
        "type": "unified",
        "max_analyzer_offset": UNSIZED_OFFSET,
        "fields": {SNIPPET_FIELD: {**_snippet(), "boundary_scanner": "word"}},
    }


def _tags() -> dict[str, Any]:
    # Fresh per block: a request body must never share a list or dict with another request.
    return {
        "pre_tags": [PRE],
        "post_tags": [POST],
        "encoder": "default",
        # Stem, exact, fuzzy and synonym matches all highlight in the displayed fields. Not the
        # unstemmed ``.exact`` twins: the highlight query has no fuzzy clause (ranking
        # .highlighting), so they marked what the stemmed fields mark, at two more document
        # reads per hit (on the corpus they changed 1.7% of snippets and no snippet's mark).
        "require_field_match": False,
    }


def _snippet() -> dict[str, Any]:
    return {
        "fragment_size": BODY_FRAGMENT_CHARS,
        "number_of_fragments": BODY_FRAGMENTS,
        "no_match_size": NO_MATCH_CHARS,
    }


def for_query(concepts: list[Concept], hits: int) -> dict[str, Any]:
    """The ``highlight`` block of a search for ``concepts`` with pages of ``hits`` results:
    the first :data:`MARKED_CONCEPTS` are marked, within :data:`PAGE_HIGHLIGHT_CHARS` per page."""
    block = request(min(MAX_HIGHLIGHT_OFFSET, PAGE_HIGHLIGHT_CHARS // max(1, hits)))
    block["highlight_query"] = ranking.highlighting(concepts[:MARKED_CONCEPTS])
    return block


def best(marks: dict[str, list[str]], field: str) -> list[str] | None:
    """The fragments of ``field`` or ``field.exact``, whichever marks more matches (only the
    legacy form asks for a twin, ``body.exact``: search/legacy.py)."""
    own = marks.get(field) or []
    twin = marks.get(f"{field}.exact")
    if not twin:  # every search but the legacy form: nothing to compare
        return own or None
    chosen = max([own, twin], key=lambda frags: sum(f.count(PRE) for f in frags))
    return chosen or None


def escape(text: str | None) -> str:
    """Plain stored text made HTML-safe (also removes our marker characters)."""
    if not text or _NEEDS_ESCAPING.search(text) is None:
        return text or ""
    return html.escape(_STRAY.sub("", text), quote=True)


def render(fragment: str) -> str:
    """A highlighted fragment as HTML: everything escaped except ``<mark>`` around matches."""
    escaped = html.escape(fragment, quote=True)
    if PRE not in escaped and POST not in escaped:  # a snippet without a match
        return escaped
    if _PAIRED.fullmatch(escaped):  # as the highlighter writes them: each mark closed in turn
        return escaped.replace(PRE, "<mark>").replace(POST, "</mark>")
    marked = _PAIR.sub(r"<mark>\1</mark>", escaped)
    return _STRAY.sub("", marked)


def snippet(fragments: list[str] | None, fallback: str | None, limit: int = NO_MATCH_CHARS) -> str:
    """Join body fragments with an ellipsis; the escaped start of ``fallback`` if none."""
    if fragments:
        return " … ".join(render(f) for f in fragments)
    text = (fallback or "")[:limit]
    return escape(text)
