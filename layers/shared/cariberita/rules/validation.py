"""Checks a rules document needs beyond its shape: limits across entries, and pinned ids exist.

Every problem is collected (the editor fixes them all in one round); any problem rejects the
whole document and the rules in force stay as they were.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from cariberita.articles.categories import split_breadcrumb
from cariberita.rules.compiled import category_key, query_key
from cariberita.rules.model import MAX_SITE_CATEGORIES, RulesDocument
from cariberita.search.synonyms import MAX_FORM_WORDS, Synonyms, fold, shipped

# After merging with the shipped lists and with each other (groups sharing a form merge), no
# group may have more forms than this: a chain ``a,b`` ``b,c`` ``c,d``... would otherwise turn
# every word of it into one ever-growing OR (the "synonym explosion").
MAX_MERGED_FORMS = 20

# ``articles.categories`` splits a breadcrumb into levels at these (its ``_SEPARATORS``; a unit
# test keeps the two equal).
BREADCRUMB_SEPARATORS = ("/", ">", "»", "|")

MissingIds = Callable[[Iterable[str]], set[str]]
"""Given article ids, the ones the index does not hold (one request for all of them)."""


def problems(document: RulesDocument, missing_ids: MissingIds | None) -> list[str]:
    found: list[str] = []
    found += _synonym_problems(document)
    found += _query_problems("pins", [p.query for p in document.pins])
    found += _query_problems("hides", [h.query for h in document.hides])
    found += _pin_and_hide(document)
    found += _category_problems(document)
    if missing_ids is not None:
        pinned = list(dict.fromkeys(i for p in document.pins for i in p.ids))
        missing = missing_ids(pinned) if pinned else set()
        for n, pin in enumerate(document.pins):
            for article_id in pin.ids:
                if article_id in missing:
                    found.append(f"pins[{n}]: article {article_id!r} does not exist")
    return found


def _synonym_problems(document: RulesDocument) -> list[str]:
    out: list[str] = []
    for n, group in enumerate(document.synonyms):
        keys = [fold(form) for form in group]
        for form, key in zip(group, keys, strict=True):
            if not key:
                out.append(f"synonyms[{n}]: {form!r} has no letters or digits")
            elif len(key) > MAX_FORM_WORDS:
                out.append(f"synonyms[{n}]: {form!r} has more than {MAX_FORM_WORDS} words")
        if len({k for k in keys if k}) < 2:
            out.append(f"synonyms[{n}]: a group needs at least two different forms")
    if out or not document.synonyms:
        return out
    merged = shipped().union(Synonyms.from_groups(document.synonyms))
    own = {fold(form) for group in document.synonyms for form in group}
    for merged_group in merged.groups():
        if len(merged_group) > MAX_MERGED_FORMS and any(fold(f) in own for f in merged_group):
            shown = ", ".join(merged_group[:8])
            out.append(
                f"synonyms: {len(merged_group)} forms end up equivalent ({shown}, ...); groups"
                f" that share a form merge, and at most {MAX_MERGED_FORMS} may: split the chain"
            )
    return out


def _query_problems(kind: str, queries: list[str]) -> list[str]:
    out: list[str] = []
    seen: dict[str, int] = {}
    for n, query in enumerate(queries):
        key = query_key(query)
        if not key:
            out.append(f"{kind}[{n}]: the query is empty after normalisation")
        elif key in seen:
            out.append(f"{kind}[{n}]: the query {query!r} is already in {kind}[{seen[key]}]")
        else:
            seen[key] = n
    return out


def _pin_and_hide(document: RulesDocument) -> list[str]:
    hidden = {query_key(h.query): set(h.ids) for h in document.hides}
    out = []
    for n, pin in enumerate(document.pins):
        both = sorted(set(pin.ids) & hidden.get(query_key(pin.query), set()))
        if both:
            out.append(f"pins[{n}]: {', '.join(both)} is both pinned and hidden for {pin.query!r}")
        if len(set(pin.ids)) != len(pin.ids):
            out.append(f"pins[{n}]: an article is pinned twice")
    return out


def _category_problems(document: RulesDocument) -> list[str]:
    # Labels are compared as the index stores them (category_key): "Celebrity", "celebrity "
    # and "CELEBRITY" are one category; one with only spaces or invisible characters (U+200B)
    # is none, and as a site category it would be an empty facet.
    out: list[str] = []
    sources: dict[str, str] = {}
    for source, site in document.categories.items():
        key = category_key(source)
        if not key:
            out.append(f"categories: the source {source!r} is empty after normalisation")
        elif key in sources:
            out.append(f"categories: {source!r} and {sources[key]!r} are the same category")
        else:
            out += _breadcrumb_problems(source)
        sources.setdefault(key, source)
        if not category_key(site):
            out.append(
                f"categories: {source!r} is mapped to {site!r}, which is empty after normalisation"
            )
    sites = {category_key(site) for site in document.categories.values()} - {""}
    for source, site in document.categories.items():
        if category_key(source) != category_key(site) and category_key(source) in sites:
            out.append(
                f"categories: {source!r} is a site category and is mapped to {site!r} too"
                " (no chains: map every source straight to its site category)"
            )
    if len(sites) > MAX_SITE_CATEGORIES:
        out.append(f"categories: {len(sites)} site categories (at most {MAX_SITE_CATEGORIES})")
    return out


def _breadcrumb_problems(source: str) -> list[str]:
    """A source no article can carry: ingest splits a breadcrumb into levels and the index
    holds each level apart, never the breadcrumb."""
    if not any(separator in source for separator in BREADCRUMB_SEPARATORS):
        return []
    try:
        levels = split_breadcrumb(source)
    except ValueError:  # more levels than an article may have
        levels = []
    advice = (
        f"map one level, e.g. {levels[-1]!r} (the most specific)" if levels else "map one level"
    )
    shown = f" ({', '.join(repr(level) for level in levels)})" if levels else ""
    return [
        f"categories: {source!r} is a breadcrumb: articles store its levels apart{shown}, so it"
        f" never matches; {advice}"
    ]
