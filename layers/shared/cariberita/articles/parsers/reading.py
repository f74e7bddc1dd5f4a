"""Read an upload's records: the parser for its format, within size and count limits.

Whatever goes wrong part-way through a streamed object ends the reading with one final
``stop`` record instead of an exception, so the records read before it are still indexed and
reported. Only an object that cannot be read at all raises UnparseableObject (from
``open_records``, or as the first thing its records do).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, BinaryIO

from cariberita.articles.parsers.csvformat import parse_csv
from cariberita.articles.parsers.errors import OverLimit, UnparseableObject
from cariberita.articles.parsers.formats import Format, contradiction, detect_format
from cariberita.articles.parsers.htmlpage import parse_html_page
from cariberita.articles.parsers.jsonformats import parse_json_document, parse_ndjson
from cariberita.articles.parsers.raw_record import RawRecord, Unit
from cariberita.articles.parsers.stream import ByteStream
from cariberita.articles.parsers.textpage import parse_text_page

SNIFF_BYTES = 1_048_576
UNITS: dict[Format, Unit] = {
    "ndjson": "line",
    "csv": "row",
    "json": "item",
    "text": "page",
    "html": "page",
}


@dataclass(frozen=True)
class Limits:
    """Size bounds per record and per object.

    ``max_record_bytes`` per NDJSON line / CSV row / JSON array item; ``max_document_bytes``
    and ``max_page_bytes`` for what must be read whole. Per object: ``max_records`` records,
    ``max_lines`` lines and ``max_decoded_bytes`` bytes once decompressed; past a cap the
    reading stops (``over_limit``). The caps keep any one object within one invocation.
    """

    max_record_bytes: int = 1_000_000
    max_document_bytes: int = 20_000_000
    max_page_bytes: int = 5_000_000
    max_records: int = 50_000
    max_lines: int = 2_000_000
    max_decoded_bytes: int = 256 * 1024 * 1024


def _decode_page(raw: bytes) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UnparseableObject("not UTF-8 text") from exc


def _page(record: dict[str, Any]) -> Iterator[RawRecord]:
    yield RawRecord("page", 1, data=record)


def _bounded(records: Iterator[RawRecord], unit: Unit, max_records: int) -> Iterator[RawRecord]:
    """``records`` up to ``max_records``; a failure part-way becomes a final ``stop`` record."""
    count = 0
    position = 0
    try:
        for record in records:
            count += 1
            if count > max_records:
                reason = f"more than {max_records} records in one object"
                yield RawRecord(record.unit, record.position, error=reason, stop="over_limit")
                return
            position = record.position
            yield record
    except OverLimit as exc:
        yield RawRecord(unit, exc.position or position + 1, error=str(exc), stop="over_limit")
    except UnparseableObject as exc:
        yield RawRecord(unit, exc.position or position + 1, error=str(exc), stop="incomplete")
    finally:
        close = getattr(records, "close", None)
        if close is not None:
            close()


def parse_records(
    stream: ByteStream, name: str, limits: Limits | None = None, fmt: Format | None = None
) -> tuple[Format, Iterator[RawRecord]]:
    """The detected format and the records of ``stream`` (lazily, for streamed formats).

    Raises UnparseableObject when the object as a whole is unreadable (OverLimit when it is
    over a cap before any record). An empty object (no bytes, whitespace, a BOM) has no records.
    """
    limits = limits or Limits()
    # Sniff on up to one whole record, so that a long first NDJSON line is still recognised.
    head = stream.peek(min(limits.max_record_bytes, SNIFF_BYTES))
    fmt = fmt or detect_format(name, head)
    blank = not head.removeprefix(b"\xef\xbb\xbf").strip()
    if blank and len(head) < min(limits.max_record_bytes, SNIFF_BYTES):
        if stream.failed is not None:
            raise stream.failed
        return fmt, iter(())  # empty: nothing to read
    wrong = contradiction(name, fmt, head)
    if wrong:
        raise UnparseableObject(wrong)
    unit = UNITS[fmt]
    if fmt == "ndjson":
        records = parse_ndjson(stream, limits.max_record_bytes, limits.max_lines)
    elif fmt == "csv":
        records = parse_csv(stream, limits.max_record_bytes, limits.max_lines)
    elif fmt == "json":
        records = parse_json_document(stream, limits.max_document_bytes, limits.max_record_bytes)
    else:
        text = _decode_page(stream.read_all(limits.max_page_bytes))
        if not text.strip():
            return fmt, iter(())
        # One record, read whole: the deadline is checked inside (a 5 MB page takes ~20 s).
        parse_page = parse_html_page if fmt == "html" else parse_text_page
        record = parse_page(text, stream.check)
        records = _page(record)
    return fmt, _first_or_refuse(_bounded(records, unit, limits.max_records))


def _first_or_refuse(records: Iterator[RawRecord]) -> Iterator[RawRecord]:
    """A stop before any record means the object could not be read at all: raise it."""
    first = next(records, None)
    if first is None:
        return iter(())
    if first.stop == "incomplete":
        raise UnparseableObject(first.error or "unreadable")
    if first.stop == "over_limit":
        raise OverLimit(first.error or "over a limit")
    return _chain(first, records)


def _chain(first: RawRecord, rest: Iterator[RawRecord]) -> Iterator[RawRecord]:
    yield first
    yield from rest


def open_records(
    raw: BinaryIO,
    name: str,
    limits: Limits | None = None,
    check: Callable[[], None] | None = None,
) -> tuple[ByteStream, Format, Iterator[RawRecord]]:
    """Wrap a binary stream (an S3 body or a local file), gunzip if needed, and parse it.

    ``check`` is called for every chunk read (e.g. the deadline's check, which raises).
    """
    limits = limits or Limits()
    stream = ByteStream(raw, max_bytes=limits.max_decoded_bytes, check=check)
    fmt, records = parse_records(stream, name, limits)
    return stream, fmt, records
