"""Raw article pages saved as plain text (breadcrumb, date line, repeated title, body, Baca Juga).

The layout is the one news portals produce when a page is copied as text:

    Home / BERITA UTAMA / HUKRIM
    Senin, 19 Februari 2024 - 20:04 WIB
    <title>            (often repeated two or three times)
    <NBSP-only lines>  (layout spacers, dropped)
    <body paragraphs>, the last ending with the author in parentheses: ...Mojokerto.(jekyridwan)
    Share :
    Baca Juga          (related headlines: never part of the article)
"""

from __future__ import annotations

import re
from typing import Any

from cariberita.articles.dates import DATE_LINE
from cariberita.articles.text import clean_line

_BREADCRUMB = re.compile(r"^(home|beranda)\s*[/>»|]", re.IGNORECASE)
# Everything from one of these lines on is page furniture, not article text.
_STOP = re.compile(
    r"^(share|bagikan|baca juga|berita terkait|artikel terkait|tags?|editor)\s*:?\s*$",
    re.IGNORECASE,
)
# "...se-Kota Mojokerto.(jekyridwan)" - a short name, no digits, after the last sentence.
_AUTHOR = re.compile(r"^(?P<text>.*?)\s*\((?P<name>[^\W\d_][\w .,'/&-]{1,60})\)\s*$", re.DOTALL)


def split_author(paragraph: str) -> tuple[str, str | None]:
    """``"...Mojokerto.(jekyridwan)"`` -> ``("...Mojokerto.", "jekyridwan")``."""
    match = _AUTHOR.match(paragraph)
    if not match or any(ch.isdigit() for ch in match["name"]):
        return paragraph, None
    text = match["text"]
    # Only a byline after a finished sentence counts; "(63,37)" or "(Pemkot)" mid-text do not.
    if text and text[-1] not in ".!?\"”'":
        return paragraph, None
    return text, clean_line(match["name"])


def page_record(lines: list[str]) -> dict[str, Any]:
    """A record dict (title, body, category, published_at, author) from the lines of a page."""
    rows = [clean_line(line) for line in lines]
    rows = [row for row in rows if row]
    record: dict[str, Any] = {}
    index = 0
    # Header: breadcrumb and date line, in either order, before the title.
    while index < len(rows) and index < 4:
        row = rows[index]
        if "category" not in record and _BREADCRUMB.match(row):
            record["category"] = row
        elif "published_at" not in record and DATE_LINE.match(row):
            record["published_at"] = row
        else:
            break
        index += 1
    if index >= len(rows):
        return record
    title = rows[index]
    record["title"] = title
    paragraphs: list[str] = []
    for row in rows[index + 1 :]:
        if _STOP.match(row):
            break
        if row.casefold() == title.casefold():
            continue
        if "published_at" not in record and not paragraphs and DATE_LINE.match(row):
            record["published_at"] = row
            continue
        paragraphs.append(row)
    if paragraphs:
        paragraphs[-1], author = split_author(paragraphs[-1])
        if author:
            record["author"] = author
    record["body"] = "\n\n".join(p for p in paragraphs if p)
    return record


def parse_text_page(text: str) -> dict[str, Any]:
    return page_record(text.splitlines())
