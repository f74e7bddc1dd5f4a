"""What format an upload is in: by extension, and by content when the extension says nothing."""

from __future__ import annotations

import re
from typing import Literal

from cariberita.articles.parsers.fields import ARTICLE_FIELDS

Format = Literal["ndjson", "json", "csv", "text", "html"]
EXTENSIONS: dict[str, Format] = {
    ".ndjson": "ndjson",
    ".jsonl": "ndjson",
    ".json": "json",
    ".csv": "csv",
    ".txt": "text",
    ".text": "text",
    ".html": "html",
    ".htm": "html",
}


def _suffixes(name: str) -> tuple[str, bool]:
    base = name.rsplit("/", 1)[-1].lower()
    gz = base.endswith(".gz")
    base = base.removesuffix(".gz")
    dot = base.rfind(".")
    return (base[dot:] if dot >= 0 else ""), gz


def sniff(head: bytes) -> Format:
    """Guess the format from the first decoded bytes."""
    text = head.removeprefix(b"\xef\xbb\xbf").lstrip()
    lowered = text[:200].lower()
    if lowered.startswith((b"<!doctype html", b"<html", b"<head", b"<body", b"<article", b"<")):
        return "html"
    if text.startswith(b"["):
        return "json"
    if text.startswith(b"{"):
        first, newline, rest = text.partition(b"\n")
        # NDJSON when the first line closes an object and the next line starts another one; a
        # single line is a compact document (one article or {"articles": [...]}).
        closed = first.rstrip().endswith(b"}")
        return "ndjson" if closed and newline and rest.lstrip()[:1] == b"{" else "json"
    header = text.split(b"\n", 1)[0].lower()
    if b"title" in header and b"body" in header and (b"," in header or b";" in header):
        return "csv"
    return "text"


_JSON_START = re.compile(rb"^(\{\s*\"|\[\s*[\{\[\"\]]|\{\s*\})")
_HTML_START = re.compile(rb"^<(!doctype\s+html|html|head|body|article|meta|div|p|!--)[\s>]", re.I)
_CONTROL = re.compile(rb"[\x00-\x08\x0e-\x1f]")
_GZIP_MAGIC = b"\x1f\x8b"
# UTF-32 LE's BOM starts like UTF-16 LE's: both are caught by the first two bytes.
_UTF16_32_BOMS = (b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff")


def _wide(sample: bytes) -> bool:
    """UTF-16 text of Latin script without a BOM: a NUL in every second byte, on one side only.
    (A line of stray NULs among JSON Lines is a bad record, not this; nor is a run of NULs.)"""
    if len(sample) < 16:
        return False
    even, odd = sample[0::2], sample[1::2]
    return any(
        a.count(0) >= len(a) * 9 // 10 and b.count(0) <= len(b) // 10
        for a, b in ((odd, even), (even, odd))
    )


def _pretty_array(text: bytes) -> bool:
    """A JSON array printed over lines: ``[`` alone, then an object that does not close on its
    line (or closes with a comma). A bad first line of JSON Lines followed by good ones is not
    this: each of its objects closes on its own line."""
    lines = [line.strip() for line in text.split(b"\n", 3)[:3] if line.strip()]
    return (
        len(lines) >= 2
        and lines[0] == b"["
        and lines[1].startswith(b"{")
        and not lines[1].endswith(b"}")
    )


_TABLE_SEPARATORS = (",", ";", "\t")


def _table_header(text: bytes) -> tuple[str, list[str]] | None:
    """The separator and the article fields a first line names when it is a CSV or TSV header
    of the article contract: two fields or more, and half its cells or both title and body.
    A raw page's first line (a breadcrumb, a title, a date) names no such fields."""
    # bytes.splitlines() ends a line at CR too, like the CSV reader (Excel's Mac CSV).
    line = (text[:4096].splitlines() or [b""])[0].decode("utf-8", "replace").lower()
    separator = max(_TABLE_SEPARATORS, key=line.count)
    if separator not in line:
        return None
    cells = [cell.strip().strip('"').strip() for cell in line.split(separator)]
    fields = list(dict.fromkeys(cell for cell in cells if cell in ARTICLE_FIELDS))
    enough = len(fields) * 2 >= len(cells) or {"title", "body"} <= set(fields)
    return (separator, fields) if len(fields) >= 2 and enough else None


def _page_problem(sample: bytes, text: bytes) -> str | None:
    """Why content read as one text or HTML page is not one, whatever its extension (an
    unknown one included: sniffing falls back to a page, which would index the content as one
    garbage article titled by its first line)."""
    if b"\x00" in sample or len(_CONTROL.findall(sample)) > 8 + len(sample) // 100:
        if _wide(sample):
            return "the content is UTF-16 or UTF-32 text; save it as UTF-8"
        return "binary data, not a text or HTML page"
    table = _table_header(text)
    if table is None:
        return None
    separator, fields = table
    named = ", ".join(fields[:4]) + (", ..." if len(fields) > 4 else "")
    if separator == "\t":
        return (
            f"the content is a table with tab-separated columns ({named}), not a page; "
            "save it as CSV (comma or semicolon separated) and name the file .csv"
        )
    return f"the content is CSV with a header row ({named}), not a page; name the file .csv"


def contradiction(name: str, fmt: Format, head: bytes) -> str | None:
    """Why the content cannot be what its extension says (None when it can).

    A ``.txt`` page holding JSON, HTML or CSV, JSON or CSV holding HTML, or a page holding
    binary data would otherwise be read as one garbage article; a JSON array or CSV named
    ``.ndjson``, JSON named ``.csv``, UTF-16 text or gzip inside gzip as a pile of rejected
    lines. Content read as a page under an unknown extension is checked as a page too.
    """
    text = head.removeprefix(b"\xef\xbb\xbf").lstrip()
    sample = head[:4096]
    # Checked whatever the extension: sniffing cannot see through UTF-16 nor binary data.
    if fmt in ("text", "html") and (problem := _page_problem(sample, text)):
        return problem
    if fmt in ("ndjson", "json", "csv") and (head.startswith(_UTF16_32_BOMS) or _wide(sample)):
        return "the content is UTF-16 or UTF-32 text; save it as UTF-8"
    declared = EXTENSIONS.get(_suffixes(name)[0])
    if declared is None:
        return None  # sniffed: the content already decided the rest
    looks_html = bool(_HTML_START.match(text))
    if fmt == "text" and _JSON_START.match(text):
        return "the content is JSON; name the file .ndjson (one article per line) or .json"
    if fmt == "text" and looks_html:
        return "the content is HTML; name the file .html"
    if fmt in ("ndjson", "json", "csv") and looks_html:
        return f"the content is HTML, not {fmt.upper()}; name the file .html"
    if head.startswith(_GZIP_MAGIC):
        return "the content is gzip again inside the gzip; compress the file once"
    if fmt == "ndjson" and _pretty_array(text):
        return "the content is a JSON array, not JSON Lines; name the file .json"
    second = (text.split(b"\n", 2)[1:2] or [b""])[0].lstrip()
    if fmt == "ndjson" and sniff(head) == "csv" and not second.startswith(b"{"):
        return "the content is CSV, not JSON Lines; name the file .csv"
    if fmt == "csv" and text[:1] in (b"[", b"{"):
        return "the content is JSON, not CSV; name the file .ndjson or .json"
    if fmt == "html" and _JSON_START.match(text):
        return "the content is JSON, not HTML; name the file .ndjson or .json"
    return None


def detect_format(name: str, head: bytes) -> Format:
    suffix, _ = _suffixes(name)
    declared = EXTENSIONS.get(suffix)
    if declared == "json":
        # Editors name JSON Lines files .json too; the content decides.
        return "ndjson" if sniff(head) == "ndjson" else "json"
    return declared or sniff(head)
