"""Raw article pages saved as plain text: the whole article, without the page furniture.

The layout is the one news portals produce when a page is copied as text:

    Home / BERITA UTAMA / HUKRIM
    Senin, 19 Februari 2024 - 20:04 WIB
    <title>            (often repeated two or three times)
    Penulis: ...       (credits, photo captions, share widgets: anywhere)
    <body paragraphs>  (with "Baca Juga: ..." lines or related blocks between them)
    ...the last one ending with the author in parentheses: ...Mojokerto.(jekyridwan)
    Editor: ...
    Share :
    Baca Juga          (related headlines: never part of the article)

Every line is classified on its own (``furniture``); a related block (a ``Baca Juga`` /
``Berita Terkait`` header and the short lines after it) ends where article text resumes, so
paragraphs after a block in the middle of the article are kept.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, Literal, TypeVar

from cariberita.articles.parsers import furniture as f
from cariberita.articles.text import clean_line

_BREADCRUMB = re.compile(r"^(home|beranda)\s*[/>»|]", re.IGNORECASE)
_HEADER_ROWS = 6
# The deadline is checked every this many lines: a 5 MB page of short lines is 1.6 million of
# them, about 20 s of classifying on the dev box, and a page is one record (none to check on).
CHECK_ROWS = 5_000
T = TypeVar("T")

Mode = Literal["body", "related", "tags", "credit"]


def split_author(paragraph: str) -> tuple[str, str | None]:
    """``"...Mojokerto.(jekyridwan)"`` -> ``("...Mojokerto.", "jekyridwan")``.

    Initials and markers (``(jek)``, ``(ant/dan)``, ``(*)``, ``(ADV)``) are removed from the
    text but give no author; see ``furniture.split_byline``.
    """
    found = f.split_byline(paragraph)
    if found is None:
        return paragraph, None
    text, author = found
    return text, clean_line(author) if author else None


@dataclass
class _Page:
    record: dict[str, Any] = field(default_factory=dict)
    paragraphs: list[str] = field(default_factory=list)
    captions: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    credits: dict[str, str] = field(default_factory=dict)
    byline: str | None = None
    mode: Mode = "body"
    credit_role: str = ""
    after_label: bool = False

    def furniture(self, row: str) -> bool:
        """Consume ``row`` if it is page furniture (in any mode); True when consumed."""
        found = f.credits(row)
        if found:
            for role, name in found:
                self.credits.setdefault(role, name)
            return True
        header = f.CREDIT_HEADER.match(row)
        if header:
            self.mode, self.credit_role = "credit", header["label"].lower()
            return True
        caption = f.caption(row)
        if caption is not None:
            self.captions.append(caption)
            return True
        if f.is_share(row) or f.is_ad(row) or f.is_pagination(row):
            return True
        tags = f.tags_of(row)
        if tags:
            self.tags.extend(tags)
            return True
        if f.TAGS_HEADER.match(row):
            self.mode = "tags"
            return True
        if f.RELATED_INLINE.match(row):
            return True
        if f.RELATED_HEADER.match(row):
            self.mode, self.after_label = "related", False
            return True
        if row.startswith("(") and row.endswith(")"):
            byline = f.split_byline(row)
            if byline is not None:
                self.byline = byline[1] or self.byline
                return True
        return False

    def read(self, row: str) -> None:
        if self.mode == "credit":
            self.mode = "body"
            name = f.credit_name(row)
            if name:
                self.credits.setdefault(f.CREDIT_ROLES[self.credit_role], name)
                return
        if self.furniture(row):
            return
        if self.mode == "tags":
            tag = f.tag_item(row)
            if tag:
                self.tags.append(tag)
                return
            self.mode = "body"
        if self.mode == "related":
            # Headlines (often under a category label) until a sentence of article text.
            if self.after_label or not f.is_prose(row):
                self.after_label = f.is_label(row)
                return
            self.mode = "body"
        self.paragraphs.append(row)


def _checked(items: Iterable[T], check: Callable[[], None] | None) -> Iterator[T]:
    for n, item in enumerate(items, 1):
        if check is not None and n % CHECK_ROWS == 0:
            check()
        yield item


def page_record(lines: list[str], check: Callable[[], None] | None = None) -> dict[str, Any]:
    """A record dict from the lines of a page.

    Fields: ``title``, ``body``, ``category``, ``published_at``, ``author``, ``editor``,
    ``image_caption`` (the first photo caption) and ``tags`` (from a tag list), each only when
    found. ``author`` is the ``Penulis:`` credit, else ``Reporter:``/``Pewarta:``, else the
    byline in parentheses after the last paragraph (if it is a name, not initials).
    ``check`` (the invocation's deadline, which raises) is called every ``CHECK_ROWS`` lines.
    """
    rows = [row for row in (clean_line(line) for line in _checked(lines, check)) if row]
    page = _Page()
    record = page.record
    index = 0
    # Header: breadcrumb, date line and furniture, in any order, before the title.
    while index < len(rows) and index < _HEADER_ROWS:
        row = rows[index]
        if "category" not in record and _BREADCRUMB.match(row):
            record["category"] = row
        elif "published_at" not in record and (when := f.date_of(row)):
            record["published_at"] = when
        elif credits := f.credits(row):
            for role, name in credits:
                page.credits.setdefault(role, name)
        elif not (f.is_share(row) or f.is_ad(row)):
            break
        index += 1
    if index >= len(rows):
        return record
    title = rows[index]
    record["title"] = title
    for row in _checked(rows[index + 1 :], check):
        if row.casefold() == title.casefold():
            continue
        if "published_at" not in record and not page.paragraphs and (when := f.date_of(row)):
            record["published_at"] = when
            continue
        page.read(row)
    return _finish(page)


def _finish(page: _Page) -> dict[str, Any]:
    record, paragraphs = page.record, page.paragraphs
    byline = page.byline
    if paragraphs:
        paragraphs[-1], trailing = split_author(paragraphs[-1])
        byline = trailing or byline
    author = page.credits.get("author") or page.credits.get("reporter") or byline
    if author:
        record["author"] = author
    if "editor" in page.credits:
        record["editor"] = page.credits["editor"]
    if page.captions:
        record["image_caption"] = page.captions[0]
    if page.tags:
        record["tags"] = page.tags
    record["body"] = "\n\n".join(p for p in paragraphs if p)
    return record


def parse_text_page(text: str, check: Callable[[], None] | None = None) -> dict[str, Any]:
    return page_record(text.splitlines(), check)
