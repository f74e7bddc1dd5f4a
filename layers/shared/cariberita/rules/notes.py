"""What an editor should know about a valid rules file before relying on it: not problems
(nothing is refused), but effects that are easy to miss.

- Comments (top-level keys starting with ``_``) are not rules and are not stored.
- A category source that the bundled category map (``articles/category-map.json``) already
  files under another site category. Ingest stores the site category with each article, so the
  articles indexed before the rule keep that category as well as counting as the editor's,
  while the articles uploaded under the rule get the editor's only, until the older ones are
  uploaded again. Searches count both, so the two categories overlap (docs/editors.md).
"""

from __future__ import annotations

from cariberita.articles.categories import CategoryMap, load_category_map
from cariberita.articles.text import clean_line
from cariberita.rules.compiled import category_key
from cariberita.rules.model import BASED_ON, RulesDocument, RulesFile


def notes(file: RulesFile, shipped: CategoryMap | None = None) -> list[str]:
    """The notes on ``file`` against ``shipped`` (default: the bundled category map)."""
    return [*_comment_notes(file), *shipped_category_notes(file.document, shipped)]


def _comment_notes(file: RulesFile) -> list[str]:
    ignored = [key for key in file.comments if key != BASED_ON]
    if not ignored:
        return []
    return [f"{', '.join(ignored)}: comments (keys starting with _), not rules; not stored"]


def shipped_category_notes(document: RulesDocument, shipped: CategoryMap | None) -> list[str]:
    """One note per source the shipped map files under another site category."""
    base = load_category_map() if shipped is None else shipped
    out = []
    for source, site in document.categories.items():
        before = base.site_category([clean_line(source)])  # as ingest reads a level
        if before is None or category_key(before) == category_key(site):
            continue
        out.append(
            f"categories: {source!r} is already filed under {before!r} by the built-in category"
            f" map. Articles indexed before this rule stay in {before!r} and also count as"
            f" {site!r}; articles uploaded from now on count as {site!r} only (upload the older"
            f" ones again to move them)"
        )
    return out
