"""Two-way synonyms, applied by the search function at query time.

The shipped lists (``index/wordlists/abbreviations/*.txt`` and ``equivalents/*.txt``: one group of
equivalent forms a line, ``dinsos, dinas sosial``) and, later, the editors' rules become one
:class:`Synonyms` table. Query time, not index analysis, because:

- a list change then needs no reindex and never closes an index (OpenSearch only changes the
  analysis of a closed index);
- editors' synonyms reach a running function within its rules cache, with no extra round trip;
- every form becomes one clause of its own (see ``ranking``), so three or more forms a line
  cannot multiply into the phrase paths that overflow the 1,024-clause limit.

Forms are compared folded (NFKD, ASCII, lower case, words of letters and digits), the same way
the analysis folds text; what is sent to OpenSearch is the form as written, which the index
analyzer then stems like the article text.

Each shipped form also has a *weight*: the mean IDF of its words in a reference archive
(``wordlists/form_weights_generated.txt``, written by ``tools/scripts/gen-form-weights.py``).
Ranking scales an equivalent form by ``ratio(reader's form, form)``, so that a concept weighs
what the reader's words weigh whichever form an article writes (search/ranking.py). A form
without a weight (an editor's, or a list line added since the file was generated) has ratio 1.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cache, cached_property
from importlib.resources import files

from cariberita.index import wordlists

SHIPPED_FOLDERS = ("abbreviations", "equivalents")
WEIGHTS_FILE = "form_weights_generated.txt"
# A ratio never scales a form by more than this either way: the shipped lists' ratios lie
# within 0.11 .. 8.71 on the reference corpus; an odd stored weight must not let one form
# outscore an editor's pin (rules.steering's boost) or overflow the node's boost.
RATIO_BOUNDS = (0.1, 10.0)
_WEIGHT_SEPARATOR = " => "
# Readers' synonyms longer than this are phrases nobody types; it also bounds the matcher's work.
MAX_FORM_WORDS = 12
_WORD = re.compile(r"[0-9a-z]+")

Key = tuple[str, ...]


def fold(text: str) -> Key:
    """The words of ``text`` as the analysis sees them before stemming."""
    if not text.isascii():  # NFKD changes no ASCII text (the lists, most queries)
        text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return tuple(_WORD.findall(text.lower()))


@dataclass(frozen=True)
class Synonyms:
    """Groups of equivalent forms, looked up by the folded words of one form."""

    forms: Mapping[Key, tuple[str, ...]] = field(default_factory=dict)
    # folded form ("jakarta timur") -> mean IDF of its words in the reference archive
    weights: Mapping[str, float] = field(default_factory=dict)

    @classmethod
    def from_groups(cls, groups: Iterable[Sequence[str]]) -> Synonyms:
        """Groups sharing a form are merged (``a, b`` and ``b, c`` make ``a, b, c``)."""
        merged: dict[Key, dict[Key, str]] = {}
        for group in groups:
            members: dict[Key, str] = {}
            for form in group:
                key = fold(form)
                if key and len(key) <= MAX_FORM_WORDS:
                    members.setdefault(key, " ".join(key))
            if len(members) < 2:
                continue
            for key in list(members):
                members.update(merged.get(key, {}))
            for key in members:
                merged[key] = members
        return cls({key: tuple(sorted(group.values())) for key, group in merged.items()})

    @classmethod
    def from_lines(cls, lines: Iterable[str]) -> Synonyms:
        """Lines of comma-separated forms, the format of the shipped lists."""
        return cls.from_groups(line.split(",") for line in lines)

    def union(self, other: Synonyms) -> Synonyms:
        merged = Synonyms.from_groups([*self.groups(), *other.groups()])
        return replace(merged, weights={**other.weights, **self.weights})

    def weighed(self, weights: Mapping[str, float]) -> Synonyms:
        """The same groups with these form weights."""
        return replace(self, weights=weights)

    def ratio(self, key: Key, form: str) -> float:
        """What ``form`` is scaled by when the reader typed ``key``: the reader's form's weight
        over its own (rounded, so equal queries stay equal requests), within ``RATIO_BOUNDS``;
        1 when either is unknown."""
        own, other = self.weights.get(" ".join(key)), self.weights.get(form)
        if not (own and other and own > 0 and other > 0):
            return 1.0
        low, high = RATIO_BOUNDS
        return round(min(high, max(low, own / other)), 2)

    def groups(self) -> list[tuple[str, ...]]:
        return list(dict.fromkeys(self.forms.values()))

    def others(self, key: Key) -> tuple[str, ...]:
        """The forms equivalent to ``key``, itself excluded; empty when it has none."""
        own = " ".join(key)
        return tuple(form for form in self.forms.get(key, ()) if form != own)

    @cached_property
    def longest(self) -> int:
        # Once per table: concepts() asks at every word of every query (was ~1 ms a search).
        return max((len(key) for key in self.forms), default=0)

    def __len__(self) -> int:
        return len(self.forms)


def _folders() -> list[str]:
    root = files(wordlists.__name__)
    return [name for name in SHIPPED_FOLDERS if root.joinpath(name).is_dir()]


def _shipped_weights() -> dict[str, float]:
    if not files(wordlists.__name__).joinpath(WEIGHTS_FILE).is_file():
        return {}
    pairs = (line.rsplit(_WEIGHT_SEPARATOR, 1) for line in wordlists.read(WEIGHTS_FILE))
    return {form: float(weight) for form, weight in pairs}


@cache
def shipped() -> Synonyms:
    """The lists that ship with the package, with their form weights (read once per container)."""
    lines = (line for folder in _folders() for line in wordlists.read_folder(folder))
    return Synonyms.from_lines(lines).weighed(_shipped_weights())
