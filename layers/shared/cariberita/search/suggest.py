"""As-you-type title suggestions and "did you mean" spelling corrections.

"Did you mean" rides in the search request itself (:func:`spelling_section`, phrase suggesters
beside the query), so a search is one round trip. When the first page finds fewer than
``FEW_HITS`` articles the response offers the suggester's top option as it is: it is not
re-queried to check that it finds more (that cost two more round trips). A word the index holds
(in a body or a title) is never corrected: only words no field holds get candidates
(``suggest_mode: missing``), and ``confidence: 1`` keeps only spellings the index's own word
statistics rate above what the reader typed, so a correct or nonsense query gets none. Queries
of more than ``SPELLING_MAX_WORDS`` words carry no suggester (its cost grows with the words, and
such queries rarely find almost nothing)."""

from __future__ import annotations

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
_PREFIX_FIELDS = ["title.suggest", "title.suggest._2gram", "title.suggest._3gram"]
# "did you mean" is offered only when the search found (almost) nothing.
FEW_HITS = 3
SPELLING_MAX_WORDS = 4
# The names of the two phrase suggesters in a search body (:func:`spelling_section`).
SPELLING = "spelling"
TITLE_CHECK = "spelling_title"


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
                    {
                        "match": {
                            "title.exact": {
                                "query": q,
                                "fuzziness": edits,
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


def spelling_section(q: str) -> dict[str, Any] | None:
    """The ``suggest`` section of a search body for ``q``; None when ``q`` is too long for one.

    Phrase suggesters over the unstemmed fields (stems are not words a reader would type): the
    spelling comes from the body's words (:data:`SPELLING`); the title's (:data:`TITLE_CHECK`)
    only vouch that the corrected word is in no title either (:func:`spelling_candidates`).
    A generator's ``missing`` looks at its own field alone: a body generator "corrected" words
    found only in titles, a title one the many body words no title has (of 500 words sampled
    from the corpus, 2 and 34; with both checks, none). The title suggester barely costs
    anything: titles are short. ``max_errors: 1`` (one corrected word per suggestion) halved
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
    return {
        "text": q,
        SPELLING: _phrase("body.exact", edits),
        TITLE_CHECK: _phrase("title.exact", edits),
    }


def top_spelling(response: dict[str, Any], q: str) -> str | None:
    """The suggester's best spelling other than ``q`` in a response to a body with a
    :func:`spelling_section`; None when it has none."""
    candidates = spelling_candidates(response, q)
    return candidates[0] if candidates else None


def _options(response: dict[str, Any], name: str) -> list[str] | None:
    entries = response.get("suggest", {}).get(name)
    if entries is None:
        return None
    return [o.get("text", "") for e in entries for o in e.get("options", [])]


def _same_word(one: str, other: str) -> bool:
    """Whether two spellings of one text, each with one word corrected, corrected the same one
    (both fields analyse alike: the same words in the same places)."""
    a, b = one.split(), other.split()
    return len(a) == len(b) and sum(x != y for x, y in zip(a, b, strict=True)) <= 1


def spelling_candidates(response: dict[str, Any], q: str) -> list[str]:
    """The body's spellings of ``q``, best first, each of a word no title holds either: the
    title suggester corrected the same word (an answer without its entry, to a body that did
    not ask for it, vouches for nothing and vetoes nothing)."""
    options = _options(response, SPELLING) or []
    titles = _options(response, TITLE_CHECK)
    if titles is not None:
        options = [o for o in options if any(_same_word(o, t) for t in titles)]
    seen = {q.lower()}
    out = []
    for text in options:
        if text and text.lower() not in seen:
            seen.add(text.lower())
            out.append(text)
    return out
