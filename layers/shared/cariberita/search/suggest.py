"""As-you-type title suggestions and "did you mean" spelling corrections.

"Did you mean" rides in the search request itself (:func:`spelling_section`, a phrase suggester
beside the query), so a search is one round trip. When the first page finds fewer than
``FEW_HITS`` articles the response offers the suggester's top option that finds an article
within the request's filters: the suggester's ``collate`` query checks each option on the node,
in the same request (it needs the ``lang-mustache`` module). A word the index holds
is never corrected: only words no body holds get candidates (``suggest_mode: missing``), and a
word a title on the page holds is kept (:func:`spelling_candidates`); ``confidence: 1`` keeps
only spellings the index's own word statistics rate above what the reader typed, so a correct
or nonsense query gets none. Queries
of more than ``SPELLING_MAX_WORDS`` words carry no suggester (its cost grows with the words, and
such queries rarely find almost nothing)."""

from __future__ import annotations

import re
from typing import Any

from cariberita.index.mapping import SHOWN
from cariberita.search import highlight
from cariberita.search.params import MAX_SUGGEST_CHARS
from cariberita.search.query import STORY_FIELD
from cariberita.search.ranking import FUZZINESS, FUZZY_MIN_LETTERS, FUZZY_TWO_EDITS_MAX_LETTERS
from cariberita.search.results import shown
from cariberita.search.schemas import Suggestion
from cariberita.search.synonyms import fold

SUGGEST_SIZE = 6
# Typo tolerance while typing. Each finished word of a short input may be off by the search's
# own FUZZINESS (two edits from 10 letters); in a longer input, by one edit. A two-edit automaton
# grows with its word, and it was most of a suggestion's cost: on the node, 8 words of 10-12
# letters took 230 ms, three of 20-32 letters 25-46 ms; with one edit, 3-4 ms. Up to 30
# characters, a reader types two or three words, and a two-edit suggestion costs about 12 ms.
# docs/reliability.md, "Bounded cost per request".
FULL_FUZZY_CHARS = 30
ONE_EDIT = f"AUTO:{FUZZY_MIN_LETTERS},{MAX_SUGGEST_CHARS + 1}"  # no word is long enough for two
# The whole-word (typo-tolerant) clause's weight: a word scores at most idf x (k1 + 1), about
# 22 for the rarest word of the corpus, so at 0.03 below a prefix match's constant 1: a title
# found only through a typo of the word being typed fills the list, never heads it.
WHOLE_WORD_WEIGHT = 0.03
_PREFIX_FIELDS = ["title.suggest", "title.suggest._2gram", "title.suggest._3gram"]
# "did you mean" is offered only when the search found (almost) nothing.
FEW_HITS = 3
SPELLING_MAX_WORDS = 4
# The name of the phrase suggester in a search body (:func:`spelling_section`).
SPELLING = "spelling"
# The check of each spelling (a mustache template; ``{{suggestion}}`` is the option's text): an
# article holds every word of it, unstemmed, in its title or body, within the request's filters.
# The filters are a parameter rendered as JSON, never pasted into the template, so no filter
# value is read as mustache.
_COLLATE = (
    '{"bool": {"must": [{"multi_match": {"query": "{{suggestion}}", "type": "cross_fields",'
    ' "fields": ["title.exact", "body.exact"], "operator": "and"}}],'
    ' "filter": {{#toJson}}filters{{/toJson}}}}'
)
_TITLE_WORDS = re.compile(r"\w+")


def fuzziness(q: str) -> str:
    """The edits allowed per word of ``q`` (see :data:`FULL_FUZZY_CHARS`)."""
    return FUZZINESS if len(q) <= FULL_FUZZY_CHARS else ONE_EDIT


def suggest_body(q: str, timeout_ms: int) -> dict[str, Any]:
    """Titles whose words start with what was typed (last word as a prefix), typo-tolerant."""
    edits = fuzziness(q)
    return {
        "size": SUGGEST_SIZE,
        "timeout": f"{timeout_ms}ms",
        # Stored fields, never _source (a long body would be parsed whole): results.shown.
        "_source": False,
        "stored_fields": [SHOWN["id"], SHOWN["title"]],
        "track_total_hits": False,
        # One title per story, as on /search: copies from other publishers share a title, and
        # six rows of one story would crowd out the others. A collapse still returns ``size``
        # distinct stories. An index without ``story`` gets the request without it
        # (search/legacy.py).
        "collapse": {"field": STORY_FIELD},
        "query": {
            "bool": {
                "should": [
                    {
                        "multi_match": {
                            "query": q,
                            "type": "bool_prefix",
                            "fields": _PREFIX_FIELDS,
                            "operator": "and",
                        }
                    },
                    # A typo in a finished word; bool_prefix never fuzzes the last (prefix) term.
                    # Words only: a fuzzy shingle (``air bagi``, 8 letters and more) is a costly
                    # automaton for a word pair that the clause above rewards when typed right.
                    {
                        "multi_match": {
                            "query": q,
                            "type": "bool_prefix",
                            "fields": _PREFIX_FIELDS[:1],
                            "fuzziness": edits,
                            "prefix_length": 1,
                            "max_expansions": 20,
                            "operator": "and",
                            "boost": 0.5,
                        }
                    },
                    # A typo in a word, scaled below every title that the prefix itself
                    # finds: at 0.3, a whole-word near miss (``kapol`` ~ ``kapal``) outranked
                    # the titles the reader is typing towards (Kapolri, Kapolda), since a
                    # prefix scores a constant 1. Still scored, so that among titles alike
                    # the one that matches the word best comes first.
                    {
                        "match": {
                            "title.exact": {
                                "query": q,
                                "fuzziness": edits,
                                "prefix_length": 1,
                                "max_expansions": 20,
                                "operator": "and",
                                "boost": WHOLE_WORD_WEIGHT,
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
        source = shown(hit)
        out.append(
            Suggestion(
                id=highlight.escape(source.get("id") or hit["_id"]),
                title=highlight.escape(source.get("title")),
            )
        )
    return out


def _phrase(field: str, edits: dict[str, int]) -> dict[str, Any]:
    # ``suggest_mode: missing``: only a word this field does not hold gets candidates, so a real
    # word is never "corrected" (``always`` turned ``pemkot``, in 97 articles, into ``pekat``).
    return {
        "phrase": {
            "field": field,
            "size": 3,
            "gram_size": 1,
            "max_errors": 1,
            "confidence": 1.0,
            "direct_generator": [
                {
                    "field": field,
                    "suggest_mode": "missing",
                    "min_word_length": 4,
                    "prefix_length": 0,
                    **edits,
                }
            ],
        }
    }


def spelling_section(q: str, scope: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The ``suggest`` section of a search body for ``q``; None when ``q`` is too long for one.
    ``scope``: the request's filter clauses (:func:`cariberita.search.query.scope`); an option
    that no article within them holds is dropped on the node (``collate``, not pruned).

    A phrase suggester over the bodies' unstemmed words (stems are not words a reader would
    type). ``suggest_mode: missing`` on one field cannot see the other: a word found only in
    titles still gets a body spelling, and the page's own titles veto that
    (:func:`spelling_candidates`). A second suggester over titles did it at first, but it
    vetoed every body-only word no title comes close to (of 97 typos of such words, corrected
    spellings fell from 53 to 21). ``max_errors: 1`` (one corrected word per suggestion) halved
    the cost on the corpus. Two edits per word only where the search's own fuzziness allows
    them: a word over ``FUZZY_TWO_EDITS_MAX_LETTERS`` letters makes every candidate one edit
    away. The two-edit automaton of four 20-letter words was three quarters of such a search on
    the node (41 of 55 ms; with one edit, 4 ms). The cost of this bound: in a query that also has
    a word over 12 letters, a 10-12-letter word two edits off gets no spelling.
    """
    words = q.split()
    if len(words) > SPELLING_MAX_WORDS:
        return None
    longest = max((len(part) for word in words for part in fold(word)), default=0)
    edits = {"max_edits": 1} if longest > FUZZY_TWO_EDITS_MAX_LETTERS else {}
    phrase = _phrase("body.exact", edits)
    phrase["phrase"]["collate"] = {"query": {"source": _COLLATE}, "params": {"filters": scope}}
    return {"text": q, SPELLING: phrase}


def without_collate(body: dict[str, Any]) -> dict[str, Any]:
    """``body`` with its spelling options unchecked: for a cluster without the lang-mustache
    module (Amazon OpenSearch Service has it; a self-managed cluster may not), where a collate
    fails the whole search. The options then come back as the suggester rates them."""
    phrase = body.get("suggest", {}).get(SPELLING, {}).get("phrase")
    if not isinstance(phrase, dict) or "collate" not in phrase:
        return body
    unchecked = {k: v for k, v in phrase.items() if k != "collate"}
    return {**body, "suggest": {**body["suggest"], SPELLING: {"phrase": unchecked}}}


def top_spelling(response: dict[str, Any], q: str) -> str | None:
    """The suggester's best spelling other than ``q`` in a response to a body with a
    :func:`spelling_section`; None when it has none."""
    candidates = spelling_candidates(response, q)
    return candidates[0] if candidates else None


def _options(response: dict[str, Any]) -> list[str]:
    entries = response.get("suggest", {}).get(SPELLING, [])
    return [o.get("text", "") for e in entries for o in e.get("options", [])]


def _corrected(q: str, spelling: str) -> str | None:
    """The word of ``q`` that ``spelling`` replaces (one per suggestion: ``max_errors: 1``)."""
    asked, offered = q.lower().split(), spelling.lower().split()
    if len(asked) != len(offered):
        return None
    changed = [a for a, b in zip(asked, offered, strict=True) if a != b]
    return changed[0] if len(changed) == 1 else None


def _title_words(response: dict[str, Any]) -> set[str]:
    titles = (shown(hit).get("title") for hit in response.get("hits", {}).get("hits", []))
    return {w for t in titles if isinstance(t, str) for w in _TITLE_WORDS.findall(t.lower())}


def spelling_candidates(response: dict[str, Any], q: str) -> list[str]:
    """The body suggester's spellings of ``q``, best first, except one that replaces a word a
    title on this page holds: the suggester saw only the bodies, and a word found in a title
    is the reader's own (a spelling is only offered when the page has few hits, and an article
    whose title holds the word is among them)."""
    options = _options(response)
    in_titles = _title_words(response)
    seen = {q.lower()}
    out = []
    for text in options:
        if not text or text.lower() in seen or _corrected(q, text) in in_titles:
            continue
        seen.add(text.lower())
        out.append(text)
    return out
