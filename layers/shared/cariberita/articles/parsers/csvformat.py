"""CSV with a header row (comma or semicolon separated), streamed row by row.

A row is read by its own ``csv.reader`` over the physical lines it needs, so a broken quote
costs that row alone: when its quoted field never closes properly (the end of the file, more
than the record size, a character other than a separator after the closing quote, or a row
spanning several lines whose field count differs from the header's), the row is rejected with
the line it starts on and reading resumes at the next line, which it may have swallowed.

A bare CR ends a line as an LF or CRLF does (Excel's "CSV (Macintosh)"), when the lines are read:
each such line counts toward the line cap and the record size on its own, and reasons name it.
A line end inside a quoted field is part of the field, as ``\n`` whichever the file used. Blank
lines before the header are skipped, so blank-only content is empty like any empty file.
"""

from __future__ import annotations

import csv
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass

from cariberita.articles.parsers.errors import OverLimit, UnparseableObject
from cariberita.articles.parsers.fields import ARTICLE_FIELDS
from cariberita.articles.parsers.raw_record import RawRecord
from cariberita.articles.parsers.stream import ByteStream, iter_lines

REQUIRED = ("title", "body")


@dataclass(frozen=True)
class _Line:
    number: int
    text: str  # with its "\n"
    problem: str | None = None


class _RowTooBig(Exception):
    pass


class _BadLine(_RowTooBig):
    pass


def _text_lines(
    stream: ByteStream, max_record_bytes: int, max_lines: int | None
) -> Iterator[_Line]:
    for line in iter_lines(stream, max_record_bytes, max_lines, bare_cr=True):
        if line.too_long:
            yield _Line(line.number, "\n", f"line longer than {max_record_bytes} bytes")
            continue
        try:
            text = line.data.decode("utf-8-sig" if line.number == 1 else "utf-8")
        except UnicodeDecodeError:
            yield _Line(line.number, "\n", "not UTF-8 text")
            continue
        yield _Line(line.number, text + "\n")


class _Rows:
    """Physical lines with a push-back queue, read into one row at a time."""

    def __init__(self, lines: Iterator[_Line], delimiter: str, max_row_chars: int) -> None:
        self._lines = lines
        self._again: deque[_Line] = deque()
        self._delimiter = delimiter
        self.max_chars = max_row_chars
        self.used: list[_Line] = []

    def _next(self) -> _Line | None:
        return self._again.popleft() if self._again else next(self._lines, None)

    def _blank(self, line: _Line) -> bool:
        return not line.problem and not line.text.replace(self._delimiter, "").strip()

    def _feed(self) -> Iterator[str]:
        size = 0
        while (line := self._next()) is not None:
            self.used.append(line)
            size += len(line.text)
            if line.problem:
                raise _BadLine
            if size > self.max_chars:
                raise _RowTooBig
            yield line.text

    def read(self) -> list[str] | None:
        """The next row's cells (None at the end); raises csv.Error or _RowTooBig."""
        self.used = []
        # A line of only separators and spaces makes no row (its cells are all blank); skipped
        # without a csv.reader, which a flood of them up to the line cap would cost per line.
        while (line := self._next()) is not None and self._blank(line):
            pass
        if line is None:
            return None
        self._again.appendleft(line)
        reader = csv.reader(self._feed(), delimiter=self._delimiter, strict=True)
        return next(reader, None)

    def skip_field(self) -> bool:
        """Move past the rest of a row too big to hold, without holding it.

        Quote parity says whether the row's last line ended inside a quoted field; lines are
        then dropped until the quote closes. False when the file ends first.
        """
        inside = sum(line.text.count('"') for line in self.used) % 2 == 1
        while inside:
            line = self._next()
            if line is None:
                return False
            inside = line.text.count('"') % 2 == 0
        return True

    def resync(self) -> None:
        """Give back every line the failed row took after its first one."""
        self._again.extendleft(reversed(self.used[1:]))


def _why(rows: _Rows, exc: Exception) -> str:
    start = rows.used[0].number if rows.used else 0
    problem = next((line for line in rows.used if line.problem), None)
    if problem is not None and problem is rows.used[0]:
        return f"line {start}: {problem.problem}"
    if problem is not None:
        return f"row starting at line {start}: line {problem.number}: {problem.problem}"
    if isinstance(exc, _RowTooBig) and not isinstance(exc, _BadLine):
        return f"row starting at line {start} is larger than {rows.max_chars} characters"
    if "unexpected end of data" in str(exc):
        return f"unterminated quote (row starting at line {start})"
    return f"unreadable CSV (row starting at line {start}): {exc}"


def parse_csv(
    stream: ByteStream, max_record_bytes: int, max_lines: int | None = None
) -> Iterator[RawRecord]:
    """Rows become dicts keyed by the (lower-cased) header; positions are data row numbers.

    Past the line cap, OverLimit names the row it was reading (its message, the line).
    """
    lines = _text_lines(stream, max_record_bytes, max_lines)
    row = 0
    try:
        for record in _records(lines, max_record_bytes):
            row = record.position
            yield record
    except OverLimit as exc:
        if exc.position is None:  # the decompressed-bytes cap: no line to name
            raise
        raise OverLimit(f"{exc} (reading stopped at line {exc.position})", row + 1) from None


def _header(lines: Iterator[_Line]) -> tuple[list[str], str] | None:
    """The lower-cased header cells after any blank lines, and the delimiter; None when the
    content is blank."""
    first = next(lines, None)
    while first is not None and not first.problem and first.text.isspace():
        first = next(lines, None)
    if first is None:
        return None
    if first.problem:
        raise UnparseableObject(f"unreadable CSV header (line {first.number}): {first.problem}")
    header_line = first.text
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
    repeated = _repeated(header)
    if repeated:
        # Each row would keep only the last of the columns: which one the editor meant cannot
        # be told, so the object is refused, as the rules parser refuses a repeated key.
        raise UnparseableObject(
            f"CSV header names a column more than once: {', '.join(repeated)}; keep one of each"
        )
    return header, delimiter


def _repeated(header: list[str]) -> list[str]:
    """The article fields (as normalised: trimmed, lower-cased) that the header repeats. A
    column the contract does not read (an editor's ``catatan``) is ignored however often it
    appears, and blank cells (an export's trailing separators) name nothing."""
    seen: set[str] = set()
    repeated: dict[str, None] = {}
    for name in header:
        if name in seen:
            repeated[name] = None
        seen.add(name)
    return [name for name in repeated if name in ARTICLE_FIELDS]


def _records(lines: Iterator[_Line], max_record_bytes: int) -> Iterator[RawRecord]:
    found = _header(lines)
    if found is None:
        return
    header, delimiter = found
    # Our own row limit comes first; the csv module's (process-wide) limit must not trip sooner.
    csv.field_size_limit(max(csv.field_size_limit(), max_record_bytes + 1))
    rows = _Rows(lines, delimiter, max_record_bytes)
    row_number = 0
    while True:
        try:
            row = rows.read()
        except (csv.Error, _RowTooBig) as exc:
            row_number += 1
            start = rows.used[0].number if rows.used else 0
            yield RawRecord("row", row_number, error=_why(rows, exc))
            if isinstance(exc, _BadLine):
                if not rows.used[0].problem:
                    rows.resync()
            elif isinstance(exc, _RowTooBig):
                # Never resume inside the field: a line in it may look like a row.
                if not rows.skip_field():
                    raise UnparseableObject(
                        f"the quote opened in the row at line {start} never closes",
                        row_number + 1,
                    ) from None
            else:
                rows.resync()
            continue
        if row is None:
            return
        if not any(cell.strip() for cell in row):
            continue
        row_number += 1
        if len(rows.used) > 1 and len(row) != len(header):
            # A quote that opened a field and closed lines later in another row's text.
            start = rows.used[0].number
            yield RawRecord(
                "row",
                row_number,
                error=f"unterminated quote (row starting at line {start} has {len(row)} fields "
                f"over {len(rows.used)} lines; the header has {len(header)})",
            )
            rows.resync()
            continue
        if len(row) > len(header):
            yield RawRecord("row", row_number, error="row has more fields than the header")
            continue
        yield RawRecord("row", row_number, data=dict(zip(header, row, strict=False)))
