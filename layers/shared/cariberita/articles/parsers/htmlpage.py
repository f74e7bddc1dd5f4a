"""Article pages saved as HTML: text extracted with the stdlib parser, scripts and markup dropped.

Metadata comes from the usual meta tags (``article:published_time``, ``author``, canonical
link, ``article:section``, ``keywords``); the text of ``<article>`` (else ``<main>``, else
``<body>``) is then read like a raw text page, so the same rules drop the related headlines.
"""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any

from cariberita.articles.parsers.textpage import page_record
from cariberita.articles.text import clean_line

_DROP = frozenset(("script", "style", "noscript", "template", "iframe", "svg", "form", "button"))
_FURNITURE = frozenset(("nav", "aside", "footer", "header"))
_BLOCK = frozenset(
    {"p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "section", "blockquote"}
    | {"article", "main", "body", "ul", "ol", "table", "figure", "figcaption"}
)
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
}


class _PageParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.meta: dict[str, str] = {}
        self.texts: dict[str, list[str]] = {"article": [], "main": [], "body": []}
        self.h1: list[str] = []
        self.title: list[str] = []
        self.breadcrumb: list[str] = []
        self._stack: list[tuple[str, bool]] = []  # (tag, is breadcrumb)
        self._drop = 0
        self._furniture = 0
        self._open = {"article": 0, "main": 0, "body": 0, "h1": 0, "title": 0}

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
        crumb = (
            "breadcrumb" in values.get("class", "").lower()
            or values.get("aria-label", "").lower() == "breadcrumb"
        )
        self._stack.append((tag, crumb))
        self._drop += tag in _DROP
        self._furniture += tag in _FURNITURE and not crumb
        if tag in self._open:
            self._open[tag] += 1
        if tag in _BLOCK:
            self._text("\n")

    def handle_endtag(self, tag: str) -> None:
        if not any(t == tag for t, _ in self._stack):
            return
        while self._stack:
            name, crumb = self._stack.pop()
            self._drop -= name in _DROP
            self._furniture -= name in _FURNITURE and not crumb
            if name in self._open:
                self._open[name] -= 1
            if name in _BLOCK:
                self._text("\n")
            if name == tag:
                break

    def handle_data(self, data: str) -> None:
        if self._drop:
            return
        if self._open["title"]:
            self.title.append(data)
        if any(crumb for _, crumb in self._stack):
            self.breadcrumb.append(data)
            return
        if self._open["h1"]:
            self.h1.append(data)
        if not self._furniture:
            self._text(data)

    def _text(self, data: str) -> None:
        for area in ("article", "main", "body"):
            if self._open[area]:
                self.texts[area].append(data)


def parse_html_page(markup: str) -> dict[str, Any]:
    """A record dict from an HTML article page."""
    parser = _PageParser()
    parser.feed(markup)
    parser.close()
    area = next(
        (a for a in ("article", "main", "body") if "".join(parser.texts[a]).strip()), "body"
    )
    lines = "".join(parser.texts[area]).split("\n")
    title = clean_line(" ".join(parser.h1)) or clean_line(" ".join(parser.title).split(" | ")[0])
    if title and not any(clean_line(line) == title for line in lines):
        lines.insert(0, title)
    header = [clean_line(" ".join(parser.breadcrumb))] if parser.breadcrumb else []
    if header and not header[0].lower().startswith(("home", "beranda")):
        header[0] = "Home / " + header[0]
    record = page_record(header + lines)
    for key, value in parser.meta.items():
        record.setdefault(key, value)
    if "published_at" in parser.meta:
        record["published_at"] = parser.meta["published_at"]
    return record
