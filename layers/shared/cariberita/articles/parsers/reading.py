"""Read an upload's records: the parser for its format, within size limits."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, BinaryIO

from cariberita.articles.parsers.csvformat import parse_csv
from cariberita.articles.parsers.errors import UnparseableObject
from cariberita.articles.parsers.formats import Format, detect_format
from cariberita.articles.parsers.htmlpage import parse_html_page
from cariberita.articles.parsers.jsonformats import parse_json_document, parse_ndjson
from cariberita.articles.parsers.raw_record import RawRecord
from cariberita.articles.parsers.stream import ByteStream
from cariberita.articles.parsers.textpage import parse_text_page

SNIFF_BYTES = 1_048_576


@dataclass(frozen=True)
class Limits:
    """Size bounds: per NDJSON line / CSV row, and for formats that must be read whole."""

    max_record_bytes: int = 1_000_000
    max_document_bytes: int = 20_000_000
    max_page_bytes: int = 5_000_000


def _decode_page(raw: bytes) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UnparseableObject("not UTF-8 text") from exc


def _page(record: dict[str, Any]) -> Iterator[RawRecord]:
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
