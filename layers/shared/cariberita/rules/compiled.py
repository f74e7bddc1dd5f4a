"""The rules in force, compiled once per version for the search and ingest functions.

Queries are matched after the normalisation search uses (:func:`query_key`): NFKC, no control
characters, single spaces (``search.params.normalise_text``), then accents folded and case folded,
so ``Gempa  Cianjur``, ``gempa cianjur`` and ``gémpa cianjur`` are one query.
"""

from __future__ import annotations

import unicodedata
from functools import cached_property

from cariberita.articles.categories import CategoryMap
from cariberita.articles.text import clean_line
from cariberita.index.form_weights import ArchiveWeights
from cariberita.rules.model import RulesDocument
from cariberita.search.params import normalise_text
from cariberita.search.synonyms import Synonyms, shipped


def query_key(text: str) -> str:
    """How a pinned/hidden query and a reader's query are compared."""
    decomposed = unicodedata.normalize("NFKD", normalise_text(text))
    folded = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    return " ".join(folded.split())


def category_key(label: str) -> str:
    """A category as the index stores it (the ``category`` keyword is lowercase-normalised)."""
    return " ".join(normalise_text(label).lower().split())


class Rules:
    """One version of the rules, ready to use; :data:`NO_RULES` when none was ever applied."""

    def __init__(
        self, document: RulesDocument, version: int = 0, weights: ArchiveWeights | None = None
    ) -> None:
        self.document = document
        self.version = version
        # The archive's own form weights, when it was weighed (cariberita-admin synonyms weigh).
        self.weights = weights
        self.pins: dict[str, tuple[str, ...]] = {
            query_key(p.query): tuple(dict.fromkeys(p.ids)) for p in document.pins
        }
        self.hides: dict[str, tuple[str, ...]] = {
            query_key(h.query): tuple(dict.fromkeys(h.ids)) for h in document.hides
        }
        # site category (index form) -> every label that counts as it, itself first
        sources: dict[str, list[str]] = {}
        self.site_labels: dict[str, str] = {}
        for source, site in document.categories.items():
            site_key = category_key(site)
            self.site_labels.setdefault(site_key, normalise_text(site))
            group = sources.setdefault(site_key, [site_key])
            if category_key(source) not in group:
                group.append(category_key(source))
        self.site_sources: dict[str, tuple[str, ...]] = {k: tuple(v) for k, v in sources.items()}
        self.mapped_sources: frozenset[str] = frozenset(
            s for site, group in self.site_sources.items() for s in group if s != site
        )

    @cached_property
    def editors_synonyms(self) -> Synonyms:
        return Synonyms.from_groups(self.document.synonyms)

    @cached_property
    def synonyms(self) -> Synonyms:
        """The shipped lists plus the editors' groups (computed once per version), weighed on
        the archive where it was (its weights replace the reference archive's, form by form)."""
        lists = shipped()
        if self.weights is not None:
            lists = lists.weighed({**lists.weights, **self.weights.weights})
        if not self.document.synonyms:
            return lists
        return lists.union(self.editors_synonyms)

    def with_weights(self, weights: ArchiveWeights | None) -> Rules:
        """The same rules under other form weights."""
        return Rules(self.document, self.version, weights)

    def pinned(self, q: str) -> tuple[str, ...]:
        return self.pins.get(query_key(q), ()) if q else ()

    def hidden(self, q: str) -> tuple[str, ...]:
        return self.hides.get(query_key(q), ()) if q else ()

    def hidden_while_typing(self, text: str) -> tuple[str, ...]:
        """Articles hidden for any query that ``text`` may be the start of (suggestions)."""
        typed = query_key(text)
        if not typed:
            return ()
        ids = [i for key, group in self.hides.items() if key.startswith(typed) for i in group]
        return tuple(dict.fromkeys(ids))

    def expand_categories(self, values: list[str]) -> list[str]:
        """Filter values plus every source label mapped to them."""
        out: list[str] = []
        for value in values:
            out.extend(self.site_sources.get(category_key(value), (value,)))
        return list(dict.fromkeys(out))

    def category_map(self, base: CategoryMap) -> CategoryMap:
        """``base`` (the bundled map) with the editors' entries taking precedence, for ingest."""
        entries = dict(base.entries)
        entries.update(
            {clean_line(k).casefold(): clean_line(v) for k, v in self.document.categories.items()}
        )
        return CategoryMap(entries)

    @property
    def empty(self) -> bool:
        return not (self.document.synonyms or self.pins or self.hides or self.site_sources)


# Constructed (every field its default): validating it would build the model's validators at
# import (rules/model.py defers them to the first document read).
NO_RULES = Rules(RulesDocument.model_construct())
