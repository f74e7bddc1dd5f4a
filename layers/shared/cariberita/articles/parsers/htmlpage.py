"""Article pages saved as HTML: text extracted with the stdlib parser, scripts and markup dropped.

Metadata comes from the usual meta tags (``article:published_time``, ``author``, canonical
link, ``article:section``, ``keywords``); the text of ``<article>`` (else ``<main>``, else
``<body>``) is then read like a raw text page, so the same rules drop related headlines,
captions, credits, share and tag lines. The markup helps too: ``<figcaption>`` (and elements
with a ``caption`` class) are captions, never body; elements whose class or id names related
links, sharing, ads or pagination (``baca-juga``, ``related``, ``share``, ``social``, ``ads``...)
are dropped; a tag box (class ``tags``) gives ``tags``; and a list whose items are nothing but
links (a related-links ``<ul>``) is dropped.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any, Literal

from cariberita.articles.model import MAX_CAPTION_CHARS
from cariberita.articles.parsers import furniture
from cariberita.articles.parsers.textpage import page_record
from cariberita.articles.text import clean_line

_DROP = frozenset(("script", "style", "noscript", "template", "iframe", "svg", "form", "button"))
_FURNITURE = frozenset(("nav", "aside", "footer", "header"))
_BLOCK = frozenset(
    {"p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "section", "blockquote"}
    | {"article", "main", "body", "ul", "ol", "table", "figure", "figcaption"}
)
_AREAS = ("article", "main", "body")
_META = {
    "article:published_time": "published_at",
    "og:published_time": "published_at",
    "date": "published_at",
    "article:modified_time": "updated_at",
    "author": "author",
    "article:author": "author",
    "article:section": "category",
    "keywords": "tags",
    "news_keywords": "tags",
    "og:url": "url",
    # The picture: the model keeps it only if it is an absolute https URL (articles/images.py).
    "og:image:secure_url": "image_url",
    "og:image": "image_url",
    "twitter:image": "image_url",
}
_CLASS_PATTERN = r"(?:^|[-_])(?:{})(?:$|[-_])"
_FURNITURE_CLASS = re.compile(
    _CLASS_PATTERN.format(
        "related|terkait|baca-?juga|bacajuga|read-?also|also-?read|rekomendasi|recommended"
        "|share|sharing|social|sosmed|socmed|advert|advertisement|ads|iklan|pagination|paging"
        "|newsletter|comments?"
    ),
    re.IGNORECASE,
)
_TAGS_CLASS = re.compile(_CLASS_PATTERN.format("tags?|tag-?list|topics?|topik|keywords"), re.I)
_CAPTION_CLASS = re.compile(_CLASS_PATTERN.format("caption|wp-caption-text|keterangan"), re.I)

Role = Literal["", "crumb", "furniture", "tags", "caption"]
# The parser is fed this many characters at a time, with the deadline checked between: a 5 MB
# page of nested tags takes html.parser 16-20 s (no record to check on meanwhile).
FEED_CHARS = 65_536


@dataclass
class _List:
    """An open ``<ul>``/``<ol>``: where its text starts, and whether all of it is link text."""

    start: dict[str, int]
    link_chars: int = 0
    other_chars: int = 0


@dataclass
class _Element:
    tag: str
    role: Role
    text: list[str] = field(default_factory=list)


def _role(tag: str, values: dict[str, str]) -> Role:
    names = " ".join((values.get("class", ""), values.get("id", ""))).lower().split()
    if "breadcrumb" in " ".join(names) or values.get("aria-label", "").lower() == "breadcrumb":
        return "crumb"
    if tag == "figcaption" or any(_CAPTION_CLASS.search(n) for n in names):
        return "caption"
    if any(_TAGS_CLASS.search(n) for n in names):
        return "tags"
    if tag in _FURNITURE or any(_FURNITURE_CLASS.search(n) for n in names):
        return "furniture"
    return ""


class _PageParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.meta: dict[str, str] = {}
        self.texts: dict[str, list[str]] = {area: [] for area in _AREAS}
        self.h1: list[str] = []
        self.title: list[str] = []
        self.breadcrumb: list[str] = []
        self.captions: list[str] = []
        self.tags: list[str] = []
        self._stack: list[_Element] = []
        self._lists: list[_List] = []
        self._drop = 0
        self._roles: dict[Role, int] = {"crumb": 0, "furniture": 0, "tags": 0, "caption": 0}
        self._open = {"article": 0, "main": 0, "body": 0, "h1": 0, "title": 0, "a": 0}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        if tag == "meta":
            key = (values.get("property") or values.get("name") or "").lower()
            if key in _META and values.get("content") and _META[key] not in self.meta:
                self.meta[_META[key]] = values["content"]
            return
        if tag == "link" and values.get("rel", "").lower() == "canonical" and values.get("href"):
            self.meta.setdefault("url", values["href"])
            return
        if tag in ("br", "img", "hr", "input"):
            self._text("\n")
            return
        element = _Element(tag, _role(tag, values))
        self._stack.append(element)
        self._drop += tag in _DROP
        if element.role:
            self._roles[element.role] += 1
        if tag in self._open:
            self._open[tag] += 1
        if tag in ("ul", "ol"):
            self._lists.append(_List({a: len(self.texts[a]) for a in _AREAS}))
        if tag in _BLOCK:
            self._text("\n")

    def handle_endtag(self, tag: str) -> None:
        if not any(e.tag == tag for e in self._stack):
            return
        while self._stack:
            element = self._stack.pop()
            self._close(element)
            if element.tag == tag:
                break

    def _close(self, element: _Element) -> None:
        name = element.tag
        self._drop -= name in _DROP
        if element.role:
            self._roles[element.role] -= 1
        if name in self._open:
            self._open[name] -= 1
        if element.role == "caption" and not self._roles["caption"]:
            text = clean_line("".join(element.text))
            text = furniture.caption(text) or text
            if text and len(text) <= MAX_CAPTION_CHARS:
                self.captions.append(text)
        if element.role == "tags" and not self._roles["tags"]:
            self.tags.extend(_tag_items(element.text))
        if name in ("ul", "ol") and self._lists:
            links = self._lists.pop()
            if links.link_chars and not links.other_chars:
                # Only links: other stories' headlines, not article text.
                for area, start in links.start.items():
                    del self.texts[area][start:]
        if name in _BLOCK:
            self._text("\n")

    def handle_data(self, data: str) -> None:
        if self._drop:
            return
        if self._open["title"]:
            self.title.append(data)
        if self._roles["crumb"]:
            self.breadcrumb.append(data)
            return
        if self._open["h1"]:
            self.h1.append(data)
        if self._roles["caption"] and self._roles["furniture"]:
            return
        if self._roles["caption"] or self._roles["tags"]:
            owner = next(e for e in reversed(self._stack) if e.role in ("caption", "tags"))
            outer = next(e for e in self._stack if e.role == owner.role)
            outer.text.append("\n" if owner.role == "tags" and self._open["a"] else "")
            outer.text.append(data)
            return
        if self._roles["furniture"]:
            return
        if data.strip():
            for open_list in self._lists:
                chars = len(data.strip())
                if self._open["a"]:
                    open_list.link_chars += chars
                else:
                    open_list.other_chars += chars
        self._text(data)

    def _text(self, data: str) -> None:
        for area in _AREAS:
            if self._open[area]:
                self.texts[area].append(data)


def _tag_items(parts: list[str]) -> list[str]:
    items = [clean_line(p).strip(" #,;|") for p in "".join(parts).replace(",", "\n").split("\n")]
    items = [i for i in items if i and len(i) <= 60]
    if items and items[0].rstrip(":").lower() in ("tag", "tags", "topik", "kata kunci"):
        items = items[1:]
    return items


def parse_html_page(markup: str, check: Callable[[], None] | None = None) -> dict[str, Any]:
    """A record dict from an HTML article page (the fields of ``textpage.page_record``).

    ``check`` (the invocation's deadline, which raises) is called every ``FEED_CHARS`` or so,
    then while the text is read as a page.
    """
    parser = _PageParser()
    start = 0
    while start < len(markup):
        if check is not None:
            check()
        # Cut before a "<": a run of text is never split (one run, one handle_data).
        end = markup.find("<", start + FEED_CHARS)
        end = len(markup) if end < 0 else end
        parser.feed(markup[start:end])
        start = end
    parser.close()
    area = next((a for a in _AREAS if "".join(parser.texts[a]).strip()), "body")
    lines = "".join(parser.texts[area]).split("\n")
    title = clean_line(" ".join(parser.h1)) or clean_line(" ".join(parser.title).split(" | ")[0])
    if title and not any(clean_line(line) == title for line in lines):
        lines.insert(0, title)
    header = [clean_line(" ".join(parser.breadcrumb))] if parser.breadcrumb else []
    if header and not header[0].lower().startswith(("home", "beranda")):
        header[0] = "Home / " + header[0]
    record = page_record(header + lines, check)
    if parser.captions:
        record["image_caption"] = parser.captions[0]
    if parser.tags and "tags" not in parser.meta:
        record["tags"] = parser.tags
    for key, value in parser.meta.items():
        record.setdefault(key, value)
    for key in ("published_at", "tags"):
        if key in parser.meta:
            record[key] = parser.meta[key]
    return record
