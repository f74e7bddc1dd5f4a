"""Text normalisation shared by every parser: Unicode NFC, whitespace, HTML stripped from bodies.

A one-line field (title, author, editor, category level, tag, publisher) keeps no line break of
any kind (``\n``, ``\r``, U+0085, U+2028, U+2029), no other control character and no
private-use character: the highlighter marks matches with two private-use characters, so stored
text must never hold them. A body keeps its paragraph breaks and loses the rest the same way.
"""

from __future__ import annotations

import re
import unicodedata
from html import unescape
from html.parser import HTMLParser

# Every horizontal space we meet in scraped news, incl. NBSP, narrow NBSP, zero-width chars.
_SPACES = re.compile(r"[ \t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000\ufeff]+")
# Removed outright: zero-width characters, bidi embeddings/overrides/isolates, and every
# private-use character (BMP and planes 15-16).
_INVISIBLE = re.compile(
    "[\u200b\u200c\u200d\u2060\u202a-\u202e\u2066-\u2069"
    "\ue000-\uf8ff\U000f0000-\U000ffffd\U00100000-\U0010fffd]"
)
# Become a space: every C0/C1 control (line breaks included) and the Unicode line/paragraph
# separators.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")
# What ends a line in a body: CRLF, CR, NEL, LS, VT, FF; PS ends a paragraph.
_LINE_BREAK = re.compile("\r\n|[\r\x85\u2028\x0b\x0c]")
_TAG_HINT = re.compile(r"<\s*/?\s*[a-zA-Z][^>]*>")
_BLOCK_TAGS = frozenset(
    {"p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "table"}
    | {"section", "article", "blockquote", "header", "footer", "nav", "aside", "main", "title"}
)
_DROP_TAGS = frozenset(("script", "style", "noscript", "template", "iframe", "svg"))


def clean_line(value: str) -> str:
    """One line of text: NFC, no line break, control or private-use character, single spaces,
    trimmed."""
    value = unicodedata.normalize("NFC", value)
    value = _CONTROL.sub(" ", _INVISIBLE.sub("", value))
    return _SPACES.sub(" ", value).strip()


def clean_text(value: str) -> str:
    """A multi-paragraph text: lines cleaned, blank lines (also NBSP-only ones) collapsed.

    Paragraphs stay separated by one blank line, so the body keeps its shape for snippets.
    """
    value = unicodedata.normalize("NFC", value).replace("\u2029", "\n\n")
    value = _LINE_BREAK.sub("\n", value)
    paragraphs: list[str] = []
    current: list[str] = []
    for raw in value.split("\n"):
        line = clean_line(raw)
        if line:
            current.append(line)
        elif current:
            paragraphs.append(" ".join(current))
            current = []
    if current:
        paragraphs.append(" ".join(current))
    return "\n\n".join(paragraphs)


class _TextExtractor(HTMLParser):
    """Collects visible text; block elements become paragraph breaks."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _DROP_TAGS:
            self._skip += 1
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _DROP_TAGS:
            self._skip = max(0, self._skip - 1)
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n\n")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def html_to_text(markup: str) -> str:
    """Visible text of an HTML fragment (stdlib parser; scripts and styles dropped)."""
    parser = _TextExtractor()
    parser.feed(markup)
    parser.close()
    return clean_text("".join(parser.parts))


def clean_body(value: str) -> str:
    """A body as editors may send it: plain text, or HTML that is stripped to its text."""
    if _TAG_HINT.search(value):
        return html_to_text(value)
    return clean_text(unescape(value) if "&" in value else value)
