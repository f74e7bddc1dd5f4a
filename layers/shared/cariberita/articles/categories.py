"""Categories: breadcrumbs split into levels, and the optional publisher -> site taxonomy map.

A publisher's section (``Bola``, ``Sports``, ``Super Skor``) can be mapped to one site category
(``Olahraga``) so that one facet covers several sources; the original label is kept as
``source_category``. Labels are matched case-insensitively.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from cariberita.articles.text import clean_line

BUNDLED_MAP = Path(__file__).with_name("category-map.json")
_SEPARATORS = ("/", ">", "»", "|")
_ROOTS = frozenset(("home", "beranda", "index"))
MAX_LEVELS = 8
MAX_LABEL_CHARS = 100


def split_breadcrumb(value: str | list[str] | tuple[str, ...]) -> list[str]:
    """``Home / BERITA UTAMA / HUKRIM`` -> ``["BERITA UTAMA", "HUKRIM"]`` (Home dropped).

    Linear in the input: levels are de-duplicated through a set, and reading stops at the
    first level over ``MAX_LEVELS`` (a hostile breadcrumb of thousands of levels costs no more
    than its length).
    """
    raw = [value] if isinstance(value, str) else list(value)
    levels: list[str] = []
    seen: set[str] = set()
    leading = True
    for item in raw:
        if not isinstance(item, str):
            raise ValueError(f"category must be text, got {type(item).__name__}")
        text = item
        for sep in _SEPARATORS[1:]:
            text = text.replace(sep, "/")
        for piece in text.split("/"):
            part = clean_line(piece)
            if not part:
                continue
            key = part.casefold()
            if leading and key in _ROOTS:
                continue
            leading = False
            if key in seen:
                continue
            if len(part) > MAX_LABEL_CHARS:
                raise ValueError(f"category label longer than {MAX_LABEL_CHARS} characters")
            if len(levels) == MAX_LEVELS:
                raise ValueError(f"category has more than {MAX_LEVELS} levels")
            seen.add(key)
            levels.append(part)
    return levels


@dataclass(frozen=True)
class CategoryMap:
    """Publisher label (case-insensitive) -> site category."""

    entries: dict[str, str] = field(default_factory=dict)

    @classmethod
    def load(cls, path: str | Path) -> CategoryMap:
        """Read a JSON object ``{"Bola": "Olahraga", ...}``; keys starting ``_`` are comments."""
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        if not isinstance(data, dict):
            raise ValueError(f"{path}: a category map is a JSON object of label -> category")
        entries = {}
        for label, target in data.items():
            if label.startswith("_"):
                continue
            if not isinstance(target, str) or not target.strip():
                raise ValueError(f"{path}: category for {label!r} must be a non-empty string")
            entries[clean_line(label).casefold()] = clean_line(target)
        return cls(entries)

    def site_category(self, levels: list[str]) -> str | None:
        """The mapped category of the most specific level that has one."""
        for level in reversed(levels):
            mapped = self.entries.get(level.casefold())
            if mapped:
                return mapped
        return None


@lru_cache(maxsize=8)
def load_category_map(path: str | None = None) -> CategoryMap:
    """The map at ``path``, or the bundled default; read once per container."""
    return CategoryMap.load(path or BUNDLED_MAP)
