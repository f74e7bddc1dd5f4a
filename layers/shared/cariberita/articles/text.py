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


def clean_body(value: str) -> str:
    """A body as editors may send it: plain text, or HTML that is stripped to its text."""
    if _TAG_HINT.search(value):
        # The HTML parser is imported by the bodies that need it: the search function, which
        # cleans one-line rules text here, never does (docs/benchmarks.md, section 4).
        from cariberita.articles.markup import html_to_text

        return html_to_text(value)
    return clean_text(unescape(value) if "&" in value else value)
