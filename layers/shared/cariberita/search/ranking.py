"""The relevance query for free text, and why each part is there.

A query is read as a list of *concepts*: each word the reader typed, or a run of words that a
synonym list knows (``pemerintah kota``), with the concept's equivalent forms (``pemkot``) from
:mod:`cariberita.search.synonyms`. Stopwords are not concepts (they would count as missing).

Scoring, outermost first:
- A soft recency multiplier: ``1 + RECENCY_WEIGHT * gauss(published_at)`` (half-life about
  ``RECENCY_SCALE`` from now), so among equally relevant articles the newer wins, but a much
  better match is never pushed down by age alone (at most x1.25). Written as a sum whose
  recency term runs over recent articles only (:func:`with_recency`), so the engine can still
  skip the matches that cannot reach the page.
- The sum over concepts of the best of its forms, each a ``best_fields`` match over ``title^2``
  and ``body`` with the Indonesian analysis (stems), a multi-word synonym as a phrase (each
  equivalent form scaled so that it weighs what the reader's own words weigh: see
  ``SYNONYM_WEIGHT``), and, in
  short queries, for the reader's own longer words a typo-tolerant match on the unstemmed
  ``*.exact`` fields (``AUTO:5,10``: no edit under 5 letters, one up to 9, two from 10 to 12,
  one again beyond; first letter fixed) worth half. A sum rewards every concept an article
  has, but it does not by itself put an article with every concept first: a title that holds
  one concept strongly can outscore a body that holds two.
- All concepts first in short queries (:func:`all_concepts_first`): in a query of two or three
  concepts, the articles that have every one (or a typo of it) form a tier above the rest,
  ordered among themselves by the terms above. Readers type a topic and a place or an office
  (``kebakaran jatim``, ``hut polri``); without the tier, articles about East Java or about
  birthdays in general took the first five places while 31 about fires in East Java waited
  below. Longer queries are written in the reader's own words, where an article often lacks one
  of them: there the sum alone ranks.
- Graceful relaxation: an article needs only ``MINIMUM_SHOULD_MATCH`` of the concepts. Readers
  write words the article does not have (an abbreviation no list knows, a name spelled
  otherwise, a word of their own): requiring all of them lost the article entirely where plain
  BM25 ranks it first. Measured on the judged tuning queries (docs/search.md), requiring all
  but one concept still lost a fifth of them; half of them kept every one BM25 finds in
  queries of up to six concepts, and two fifths in longer ones (a reader's seven-word
  paraphrase may share only two words with the article).

User text only ever reaches ``match``-family queries, never a query parser.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Any

from cariberita.index import wordlists
from cariberita.search.synonyms import Synonyms, fold, shipped

TITLE_BOOST = 2.0
FIELDS = [f"title^{TITLE_BOOST}", "body"]
# Typos are looked for in the title and the body's stored start (``lead``, index/mapping.py), not
# the whole body: the same matches on the corpus (articles are shorter than the lead), and a bound
# on the terms a typo is matched against where articles are long.
EXACT_FIELDS = [f"title.exact^{TITLE_BOOST}", "lead.exact"]
# The index analyzer without search-time synonyms: expansions are ours (see synonyms.py), and an
# older index whose search analyzer still expands acronyms must not expand them twice.
ANALYZER = "id_news"
TIE_BREAKER = 0.3
# Half of the concepts, rounded down (a lone concept is still required: a bool of only
# should clauses matches nothing that matches none of them); two fifths from seven concepts on.
# Tuning half of batches 1-10 (352 queries): 50% throughout lost two targets BM25 ranks 4th
# (`bilas hidung pakai air garam untuk lawan asap`: the article shares `hidung` and `asap`);
# this finds both 2nd and moves one other from 10th to 11th; reader-query cost unchanged.
MINIMUM_SHOULD_MATCH = "1<50% 6<40%"
FUZZINESS = "AUTO:5,10"
FUZZY_MIN_LETTERS = 5
FUZZY_WEIGHT = 0.5
# Fuzzy expansion was the costliest part of the query (the scoring query alone: 1.8x plain BM25
# with it, 0.94x without; docs/benchmarks.md): only queries of up to this many concepts get it.
# In a longer query half the concepts suffice, so the reader's other words find the article
# despite a typo; in a short one a misspelt word is most of the query. Tuning half (all queries
# of 4+ words): typo MRR 0.891 with fuzzy on every query's first six concepts, 0.891 with this
# rule, 0.886 with none (a 4-word query needs it).
FUZZY_MAX_QUERY_CONCEPTS = 4
# A Levenshtein automaton grows with its word: two edits on a 32-letter word cost the node tens
# of milliseconds. No Indonesian word a reader misspells is this long.
FUZZY_MAX_LETTERS = 20
# Two edits (AUTO from 10 letters) only up to this length, one beyond: the two-edit automaton of
# a long word is what made four 20-letter words cost 7x a typical search (docs/reliability.md).
FUZZY_TWO_EDITS_MAX_LETTERS = 12
FUZZY_MAX_EXPANSIONS = 20
# Queries of this many concepts put the articles that have all of them first. Short topical
# queries of readers (2-3 words: a topic with a place or an office) had 42% of their first five
# results with every concept, though 31 articles had both words of `kebakaran jatim`; with the
# tier 79% (docs/search.md, "All concepts first"). From four concepts on, the known-item queries
# (all of four words or more) lost with it: tuning-half MRR@10 0.805 -> 0.793 with the tier on
# every query, unchanged (0.805) with it up to three concepts.
ALL_CONCEPTS_MAX = 3
# Far above any sum of concept scores (each at most a few tens, times recency's 1.25), far below
# an editor's pin (rules.steering.PIN_BOOST), so pins still come first.
ALL_CONCEPTS_TIER = 1_000.0
# Words of equivalent forms one query expands to, in the order of its concepts; the rest of the
# forms are left out. Each word is a term clause in two fields, twice (recency's sum holds the
# query twice), and OpenSearch refuses a query of more than 1,024 clauses: the reader's 32
# words make 128, fuzzy expansion at most 320 (4 concepts, 20 terms), these forms 4 x 120.
# Editors' groups within their limits (20 forms of 12 words) made 32 repeats of one word 503.
# A shipped concept expands to at most 12 words (minions), a judged tuning query to 14.
SYNONYM_WORDS = 120
# A query of at most ALL_CONCEPTS_MAX concepts holds its clauses a third time (the tier of
# every concept, fuzzy expansion included): its reader's words make at most 32 x 2 x 3 = 192
# clauses, fuzzy expansion 3 x 20 x 2 x 3 = 360, so its forms get 72 words (432 clauses).
TIERED_SYNONYM_WORDS = 72
# An equivalent form is a little weaker evidence than the reader's own word. On top of this,
# each form is scaled by the reader's form's weight over its own (``Synonyms.ratio``: the mean
# IDF of their words in a reference archive): without it a form scored its own rarity, so for a
# reader who typed ``jaktim`` or ``jakarta timur`` alike, an article writing the rare ``jaktim``
# outscored one writing the common ``jakarta timur``. Now the concept weighs what the reader's
# words weigh, whichever form the article writes (Lucene's SynonymQuery blends one term's forms
# the same way; phrases it cannot). Tuning half (352): MRR@10 0.796 -> 0.805, 16 queries up and
# 5 down; scaling to the group's rarest or commonest form instead: 0.804 / 0.801.
SYNONYM_WEIGHT = 0.9
RECENCY_WEIGHT = 0.25
RECENCY_SCALE = "30d"
# The age past which the recency term is dropped: gauss(120 days) with the scale above, a day's
# offset and decay 0.5 is 0.5 ** ((119 / 30) ** 2) < 0.00002.
RECENCY_WINDOW = "120d"

_STOPWORDS = frozenset(wordlists.read("stopwords.txt"))
# A short prefix and a number, written glued or hyphenated as the writer likes: U-16 and U16,
# Covid-19 and Covid19, G-20 and G20. The tokenizer splits only the hyphenated form, so each
# spelling is the other's equivalent form (the split one as a phrase).
_PREFIXED_NUMBER = re.compile(r"([a-z]{1,5})([0-9]{1,4})")


@dataclass(frozen=True)
class Concept:
    """Words the reader typed (``text``) and their equivalent forms (``synonyms``)."""

    text: str
    synonyms: tuple[str, ...] = ()
    # Per synonym, what it is scaled by (``Synonyms.ratio``); empty: 1 each.
    ratios: tuple[float, ...] = ()

    @property
    def words(self) -> int:
        return len(fold(self.text))


def _spellings(words: tuple[str, ...]) -> tuple[str, ...]:
    """The other spelling of a prefixed number (``u16`` <-> ``u 16``); none for other words."""
    found = _PREFIXED_NUMBER.fullmatch("".join(words)) if len(words) in (1, 2) else None
    # Hyphenated, the two words must be the prefix and the number (not ``a1-2``).
    if found is None or found[1] in _STOPWORDS or (len(words) == 2 and words[0] != found[1]):
        return ()
    return (f"{found[1]} {found[2]}",) if len(words) == 1 else (found[0],)


def concepts(q: str, synonyms: Synonyms) -> list[Concept]:
    """The concepts of ``q``: at each word, the longest run of words that has synonyms."""
    tokens = q.split()
    keys = [fold(token) for token in tokens]
    found: list[tuple[Concept, bool]] = []
    i = 0
    while i < len(tokens):
        for n in range(min(synonyms.longest, len(tokens) - i), 0, -1):
            key = tuple(word for k in keys[i : i + n] for word in k)
            others = synonyms.others(key) if key else ()
            if others:
                # A form of stopwords only matches nothing (an editors' group may hold one);
                # a group of nothing else is a stopword itself.
                usable = [o for o in others if not _only_stopwords(tuple(o.split()))]
                ratios = tuple(synonyms.ratio(key, other) for other in usable)
                concept = Concept(" ".join(tokens[i : i + n]), tuple(usable), ratios)
                found.append((concept, _only_stopwords(key) and not usable))
                i += n
                break
        else:
            # Stopwords, and punctuation with no word in it (*:*), can match nothing: as
            # concepts they would only lower the share of the query an article needs.
            stop = _only_stopwords(keys[i])
            found.append((Concept(tokens[i], _spellings(keys[i])), stop))
            i += 1
    kept = [concept for concept, stop in found if not stop]
    chosen = kept or [concept for concept, _ in found]
    return _within_budget(chosen, TIERED_SYNONYM_WORDS if _tiered(chosen) else SYNONYM_WORDS)


def _tiered(read_concepts: list[Concept]) -> bool:
    return 2 <= len(read_concepts) <= ALL_CONCEPTS_MAX


def _only_stopwords(words: tuple[str, ...]) -> bool:
    return all(word in _STOPWORDS for word in words)


def _within_budget(read_concepts: list[Concept], budget: int) -> list[Concept]:
    """The concepts with their equivalent forms kept, in order, up to ``budget`` words."""
    left = budget
    out = []
    for concept in read_concepts:
        ratios = concept.ratios or (1.0,) * len(concept.synonyms)
        kept = []
        for form, ratio in zip(concept.synonyms, ratios, strict=True):
            words = len(form.split())
            if words <= left:
                kept.append((form, ratio))
                left -= words
        if len(kept) < len(concept.synonyms):
            concept = replace(
                concept, synonyms=tuple(f for f, _ in kept), ratios=tuple(r for _, r in kept)
            )
        out.append(concept)
    return out


def _form(text: str, phrase: bool, boost: float) -> dict[str, Any]:
    query: dict[str, Any] = {"query": text, "fields": FIELDS, "analyzer": ANALYZER}
    # A form of several words scores the sum of its words: without this, "dewan pengawas" would
    # outweigh the rarer "dewas" it stands for, and "anak-anak" would count twice, so a concept
    # would weigh more the longer the form that matched it. Tuning half: MRR 0.81 -> 0.82.
    boost /= max(1, len(fold(text)))
    if phrase:
        query["type"] = "phrase"
    else:
        # One typed word can analyse into several tokens (u-16, ke-70, src=x): all of them, in
        # one field, or a lone "1" of "ke-1" would match every article with a 1.
        query.update(type="best_fields", operator="and", tie_breaker=TIE_BREAKER)
    if boost != 1.0:
        query["boost"] = boost
    return {"multi_match": query}


def _fuzzy(text: str, letters: int) -> dict[str, Any]:
    return {
        "multi_match": {
            "query": text,
            "fields": EXACT_FIELDS,
            "type": "best_fields",
            "tie_breaker": TIE_BREAKER,
            "fuzziness": FUZZINESS if letters <= FUZZY_TWO_EDITS_MAX_LETTERS else "1",
            "prefix_length": 1,
            "max_expansions": FUZZY_MAX_EXPANSIONS,
            "boost": FUZZY_WEIGHT,
        }
    }


def concept_query(concept: Concept, fuzzy: bool) -> dict[str, Any]:
    """The best of the concept's forms: the reader's words, their synonyms, a typo of them."""
    # Words a synonym list joined (``pemerintah kota``) mean something only together.
    forms = [_form(concept.text, phrase=concept.words > 1 and bool(concept.synonyms), boost=1.0)]
    ratios = concept.ratios or (1.0,) * len(concept.synonyms)
    forms += [
        _form(s, phrase=len(s.split()) > 1, boost=SYNONYM_WEIGHT * ratio)
        for s, ratio in zip(concept.synonyms, ratios, strict=True)
    ]
    letters = sum(len(word) for word in fold(concept.text))
    if fuzzy and concept.words == 1 and FUZZY_MIN_LETTERS <= letters <= FUZZY_MAX_LETTERS:
        forms.append(_fuzzy(concept.text, letters))
    return forms[0] if len(forms) == 1 else {"dis_max": {"queries": forms}}


def text_query(q: str, synonyms: Synonyms | None = None) -> dict[str, Any]:
    """The scoring query for a non-empty, normalised ``q``."""
    return scoring(read(q, synonyms))


def read(q: str, synonyms: Synonyms | None = None) -> list[Concept]:
    """The concepts of ``q`` under ``synonyms`` (the shipped lists when None); read once per
    search, then shared by the scoring query and the highlight query."""
    return concepts(q, shipped() if synonyms is None else synonyms)


def scoring(read_concepts: list[Concept]) -> dict[str, Any]:
    """Sum of the concepts' best forms, half of them required (see the module docstring)."""
    fuzzy = len(read_concepts) <= FUZZY_MAX_QUERY_CONCEPTS
    clauses = [concept_query(concept, fuzzy) for concept in read_concepts]
    return {"bool": {"should": clauses, "minimum_should_match": MINIMUM_SHOULD_MATCH}}


def all_concepts_first(read_concepts: list[Concept], query: dict[str, Any]) -> dict[str, Any]:
    """``query`` with the articles that have every concept in a tier above the rest, in a query
    of 2 to ``ALL_CONCEPTS_MAX`` concepts (see the module docstring); ``query`` itself otherwise.

    The tier is a filter (no scoring of its own) around the same concept clauses, typo-tolerant
    like the scoring, so ``kebakran jatim`` still puts fires in East Java first. It sits outside
    the recency sum: recency orders within the tier, it never multiplies the tier itself.
    """
    if not _tiered(read_concepts):
        return query
    fuzzy = len(read_concepts) <= FUZZY_MAX_QUERY_CONCEPTS
    every = {"bool": {"filter": [concept_query(c, fuzzy) for c in read_concepts]}}
    tier = {"constant_score": {"filter": every, "boost": ALL_CONCEPTS_TIER}}
    return {"bool": {"must": [query], "should": [tier]}}


def highlighting(read_concepts: list[Concept]) -> dict[str, Any]:
    """What the highlighter marks: the reader's words and their synonyms, not the typo-tolerant
    (fuzzy) clauses. The plain highlighter re-runs the query over every hit's text, and fuzzy
    terms made that half of a search's time on the corpus (reader queries: p50 80 -> 43 ms);
    a word found only through a typo still finds its article, its snippet is the start."""
    return {"bool": {"should": [concept_query(c, fuzzy=False) for c in read_concepts]}}


def with_recency(query: dict[str, Any]) -> dict[str, Any]:
    """``score * (1 + RECENCY_WEIGHT * decay(age))``, written as the sum of ``score`` and
    ``score * RECENCY_WEIGHT * decay(age)``, the second term only for articles younger than
    ``RECENCY_WINDOW`` (beyond it the term is below 0.00002 of the score).

    Why a sum: a ``function_score`` around the whole query has no bound on its scores, so
    OpenSearch must score every match instead of skipping the blocks that cannot reach the
    page (block-max WAND). At 1M articles it made ``banjir jakarta`` cost 147 ms against 30 ms
    for the same query without it. As a sum, the first term is the plain query, which skips,
    and the function runs over the recent matches only (docs/search.md, "Recency").
    An article without a date gets no recency (ingestion dates every article).
    """
    recent = {"range": {"published_at": {"gte": f"now/h-{RECENCY_WINDOW}"}}}
    boost = {
        "function_score": {
            "query": {"bool": {"must": [query], "filter": [recent]}},
            "functions": [
                {
                    "gauss": {
                        "published_at": {
                            # Rounded to the hour so the query stays cacheable between requests.
                            "origin": "now/h",
                            "scale": RECENCY_SCALE,
                            "offset": "1d",
                            "decay": 0.5,
                        },
                        "multi_value_mode": "max",
                    },
                    "weight": RECENCY_WEIGHT,
                },
            ],
            "boost_mode": "multiply",
        }
    }
    return {"bool": {"should": [query, boost], "minimum_should_match": 1}}
