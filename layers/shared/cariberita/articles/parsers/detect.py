"""Pick the parser by file extension, and by content when the extension says nothing."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO, Literal

from cariberita.articles.parsers.csvformat import parse_csv
from cariberita.articles.parsers.errors import UnparseableObject
from cariberita.articles.parsers.htmlpage import parse_html_page
from cariberita.articles.parsers.jsonformats import parse_json_document, parse_ndjson
from cariberita.articles.parsers.records import RawRecord
from cariberita.articles.parsers.stream import ByteStream
from cariberita.articles.parsers.textpage import parse_text_page

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


SNIFF_BYTES = 1_048_576


@dataclass(frozen=True)
class Limits:
    """Size bounds: per NDJSON line / CSV row, and for formats that must be read whole."""

    max_record_bytes: int = 1_000_000
    max_document_bytes: int = 20_000_000
    max_page_bytes: int = 5_000_000


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


def detect_format(name: str, head: bytes) -> Format:
    suffix, _ = _suffixes(name)
    declared = EXTENSIONS.get(suffix)
    if declared == "json":
        # Editors name JSON Lines files .json too; the content decides.
        return "ndjson" if sniff(head) == "ndjson" else "json"
    return declared or sniff(head)


def _decode_page(raw: bytes) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UnparseableObject("not UTF-8 text") from exc


def _page(record: dict) -> Iterator[RawRecord]:
    yield RawRecord("page", 1, data=record)


def parse_records(
    stream: ByteStream, name: str, limits: Limits | None = None, fmt: Format | None = None
) -> tuple[Format, Iterator[RawRecord]]:
    """The detected format and the records of ``stream`` (lazily, for streamed formats).

    Raises UnparseableObject (here or while iterating) when the object as a whole is unreadable.
    """
    limits = limits or Limits()
    # Sniff on up to one whole record, so that a long first NDJSON line is still recognised.
    fmt = fmt or detect_format(name, stream.peek(min(limits.max_record_bytes, SNIFF_BYTES)))
    if fmt == "ndjson":
        return fmt, parse_ndjson(stream, limits.max_record_bytes)
    if fmt == "csv":
        return fmt, parse_csv(stream, limits.max_record_bytes)
    if fmt == "json":
        return fmt, parse_json_document(stream, limits.max_document_bytes, limits.max_record_bytes)
    text = _decode_page(stream.read_all(limits.max_page_bytes))
    if not text.strip():
        raise UnparseableObject("the file is empty")
    record = parse_html_page(text) if fmt == "html" else parse_text_page(text)
    return fmt, _page(record)


def open_records(
    raw: BinaryIO, name: str, limits: Limits | None = None
) -> tuple[ByteStream, Format, Iterator[RawRecord]]:
    """Wrap a binary stream (an S3 body or a local file), gunzip if needed, and parse it."""
    stream = ByteStream(raw)
    fmt, records = parse_records(stream, name, limits)
    return stream, fmt, records
