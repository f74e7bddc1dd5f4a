"""CSV with a header row (comma or semicolon separated), streamed row by row."""

from __future__ import annotations

import csv
from collections.abc import Iterator

from cariberita.articles.parsers.errors import UnparseableObject
from cariberita.articles.parsers.raw_record import RawRecord
from cariberita.articles.parsers.stream import ByteStream, iter_lines

REQUIRED = ("title", "body")


def _text_lines(
    stream: ByteStream, max_record_bytes: int, problems: dict[int, str]
) -> Iterator[str]:
    for line in iter_lines(stream, max_record_bytes):
        if line.too_long:
            problems[line.number] = f"line longer than {max_record_bytes} bytes"
            yield "\n"
            continue
        try:
            text = line.data.decode("utf-8-sig" if line.number == 1 else "utf-8")
        except UnicodeDecodeError:
            problems[line.number] = "not UTF-8 text"
            yield "\n"
            continue
        # Excel's "CSV (Macintosh)" ends lines with a bare CR.
        for part in text.split("\r"):
            yield part + "\n"


def parse_csv(stream: ByteStream, max_record_bytes: int) -> Iterator[RawRecord]:
    """Rows become dicts keyed by the (lower-cased) header; positions are data row numbers."""
    problems: dict[int, str] = {}
    lines = _text_lines(stream, max_record_bytes, problems)
    header_line = next(lines, "")
    delimiter = ";" if header_line.count(";") > header_line.count(",") else ","
    try:
        cells = next(csv.reader([header_line], delimiter=delimiter), [])
    except csv.Error as exc:
        raise UnparseableObject(f"unreadable CSV header: {exc}") from exc
    header = [h.strip().lower() for h in cells]
    missing = [name for name in REQUIRED if name not in header]
    if missing:
        raise UnparseableObject(
            f"CSV header must name the columns {', '.join(REQUIRED)}; missing: {', '.join(missing)}"
        )
    csv.field_size_limit(max_record_bytes)
    reader = csv.reader(lines, delimiter=delimiter)
    row_number = 0
    while True:
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:  # e.g. a field over the size limit; the reader can go on
            row_number += 1
            yield RawRecord(
                "row", row_number, error=f"unreadable CSV at line {reader.line_num}: {exc}"
            )
            continue
        if not any(cell.strip() for cell in row):
            for number in sorted(n for n in problems if n <= reader.line_num + 1):
                row_number += 1
                yield RawRecord("row", row_number, error=f"line {number}: {problems.pop(number)}")
            continue
        row_number += 1
        if len(row) > len(header):
            yield RawRecord("row", row_number, error="row has more fields than the header")
            continue
        yield RawRecord("row", row_number, data=dict(zip(header, row, strict=False)))
