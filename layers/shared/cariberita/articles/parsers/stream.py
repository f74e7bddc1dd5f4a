"""Bounded-memory byte streams: gunzip on the fly, peek for sniffing, split lines with a cap."""

from __future__ import annotations

import re
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import BinaryIO

from cariberita.articles.parsers.errors import OverLimit, UnparseableObject

CHUNK_BYTES = 64 * 1024
GZIP_MAGIC = b"\x1f\x8b"


class ByteStream:
    """Decoded (gunzipped when needed) bytes of one object, read in bounded chunks.

    Only one chunk and one partial line are held at a time, whatever the object's size; the
    decompressor is capped per call too, so a "gzip bomb" cannot inflate into memory at once.
    ``bytes_read`` counts bytes read from the underlying object (compressed size for ``.gz``),
    ``bytes_decoded`` the bytes handed to the parser; beyond ``max_bytes`` decoded bytes it
    raises OverLimit. ``check`` is called once per chunk (the invocation's deadline), so even
    an object that yields no records (a flood of blank lines) cannot outrun the time left;
    parsers call it through ``check()`` between pieces of work on bytes already read (every
    ``CHECK_LINES`` lines, between pieces of a page).
    """

    def __init__(
        self,
        raw: BinaryIO,
        chunk_bytes: int = CHUNK_BYTES,
        *,
        max_bytes: int | None = None,
        check: Callable[[], None] | None = None,
    ) -> None:
        self._raw = raw
        self._chunk = chunk_bytes
        self._max_bytes = max_bytes
        self._check = check
        self.bytes_read = 0
        self.bytes_decoded = 0
        first = self._read_raw()
        self.gzipped = first.startswith(GZIP_MAGIC)
        self._inflate = zlib.decompressobj(wbits=31) if self.gzipped else None
        self._input = first  # raw bytes not yet given to the decompressor
        self._pending = b""
        self._failed: UnparseableObject | None = None

    def _read_raw(self) -> bytes:
        data = self._raw.read(self._chunk)
        self.bytes_read += len(data)
        return data

    def check(self) -> None:
        """Call the invocation's deadline check (if any): for work on bytes already read."""
        if self._check is not None:
            self._check()

    def _next(self) -> bytes:
        """The next decoded piece (at most ``chunk_bytes``), or b"" at the end."""
        self.check()
        data = self._decode()
        self._count(len(data))
        return data

    def _count(self, size: int) -> None:
        self.bytes_decoded += size
        if self._max_bytes is not None and self.bytes_decoded > self._max_bytes:
            raise OverLimit(f"more than {self._max_bytes} bytes (decompressed) in one object")

    def _decode(self) -> bytes:
        if self._inflate is None:
            data, self._input = self._input or self._read_raw(), b""
            return data
        while True:
            inflate = self._inflate
            if inflate.unconsumed_tail:
                data = inflate.unconsumed_tail
            else:
                data, self._input = self._input or self._read_raw(), b""
                if not data:
                    if not inflate.eof:
                        raise UnparseableObject(
                            "truncated gzip data (the upload may be incomplete)"
                        )
                    return b""
                if inflate.eof:
                    # Between members (a .gz may hold several, e.g. concatenated batches). Zero
                    # bytes there are padding, skipped as gzip(1) and Python's gzip skip them;
                    # they count toward the cap, so that no amount of them goes unbounded.
                    member = data.lstrip(b"\0")
                    if len(member) < len(data):
                        self._count(len(data) - len(member))
                        self.check()
                    if not member:
                        continue
                    data, self._inflate = member, zlib.decompressobj(wbits=31)
            try:
                out = self._inflate.decompress(data, self._chunk)
            except zlib.error as exc:
                raise UnparseableObject(f"corrupt gzip data: {exc}") from exc
            if self._inflate.eof:
                self._input = self._inflate.unused_data
            if out:
                return out

    def peek(self, size: int = 4096) -> bytes:
        """The first bytes of the decoded content, without consuming them."""
        while len(self._pending) < size and self._failed is None:
            try:
                data = self._next()
            except UnparseableObject as exc:
                # Kept for the parser to meet after the bytes before it (a truncated gzip
                # still gives its first records).
                self._failed = exc
                break
            if not data:
                break
            self._pending += data
        return self._pending[:size]

    @property
    def failed(self) -> UnparseableObject | None:
        """What stopped ``peek`` early (raised again where the parser reaches it)."""
        return self._failed

    def chunks(self) -> Iterator[bytes]:
        if self._pending:
            yield self._pending
            self._pending = b""
        if self._failed is not None:
            raise self._failed
        while data := self._next():
            yield data

    def read_all(self, limit: int) -> bytes:
        """The whole decoded content, refused beyond ``limit`` bytes (single-article formats)."""
        parts: list[bytes] = []
        size = 0
        for chunk in self.chunks():
            size += len(chunk)
            if size > limit:
                raise OverLimit(
                    f"larger than {limit} bytes for this format; split it or send NDJSON instead"
                )
            parts.append(chunk)
        return b"".join(parts)


# Empty lines, LF or CRLF: up to the last newline of a run of CRs and LFs (a short line of only
# CRs reads as empty, as below; a longer one is an over-long line, cut off by ``_long_crs``). One
# character class: a repeated group costs the regex engine memory per repetition (8 MB for 64 KB
# of newlines).
_EMPTY_LINES = re.compile(rb"[\r\n]*\n")


def _long_crs(max_line_bytes: int) -> re.Pattern[bytes]:
    """A line of only CRs longer than the limit: over-long, as any line, not empty."""
    return re.compile(rb"\r{%d,}" % (max_line_bytes + 1))


def _empty_run_end(chunk: bytes, start: int, long_crs: re.Pattern[bytes]) -> int | None:
    """Where the run of empty lines at ``start`` ends (after its last newline), or None. The run
    stops before a line of only CRs that is over-long, so that it is reported wherever the
    chunks happen to split it."""
    run = _EMPTY_LINES.match(chunk, start)
    if run is None:
        return None
    end = run.end()
    long = long_crs.search(chunk, start, end)
    if long is not None:
        end = chunk.rfind(b"\n", start, long.start()) + 1 or start
    return end


@dataclass(frozen=True)
class Line:
    number: int
    data: bytes
    too_long: bool = False


# The deadline is checked every this many lines too, not only per chunk read: one buffered line
# of a megabyte can hold 500,000 CR-ended lines, and blank ones yield no record to check on.
CHECK_LINES = 10_000
_CR_OR_LF = re.compile(rb"[\r\n]")


def iter_lines(
    stream: ByteStream,
    max_line_bytes: int,
    max_lines: int | None = None,
    skip_empty: bool = False,
    bare_cr: bool = False,
) -> Iterator[Line]:
    """Lines (without the newline) numbered from 1; an over-long line is reported, not kept.
    With ``skip_empty``, empty lines are counted but not yielded (NDJSON skips them anyway; a
    CSV field may hold one). With ``bare_cr``, a CR not followed by LF ends a line too (CSV:
    Excel's "CSV (Macintosh)"); without it a line's trailing CR is dropped. ``stream.check`` is
    called every ``CHECK_LINES`` lines.

    Raises OverLimit when the object has more than ``max_lines`` lines.
    """
    buffer = b""
    number = 0
    next_check = CHECK_LINES
    skipping = False
    after_cr = False  # the last chunk ended with a CR: an LF starting this one belongs to it
    long_crs = _long_crs(max_line_bytes)
    for chunk in stream.chunks():
        start = 1 if after_cr and chunk.startswith(b"\n") else 0
        after_cr = False
        while True:
            run_end = (
                _empty_run_end(chunk, start, long_crs)
                if skip_empty and not (buffer or skipping or bare_cr)
                else None
            )
            if run_end is not None:
                # A run of empty lines at once: a small gzip of newlines expands to millions of
                # them, and one loop turn per line took 14 s to reach the line cap.
                number += chunk.count(b"\n", start, run_end)
                if max_lines is not None and number > max_lines:
                    raise OverLimit(f"more than {max_lines} lines in one object", max_lines + 1)
                start = run_end
                if number >= next_check:
                    stream.check()
                    next_check = number + CHECK_LINES
            if bare_cr:
                found = _CR_OR_LF.search(chunk, start)
                end = found.start() if found is not None else -1
            else:
                end = chunk.find(b"\n", start)
            if end < 0:
                if not skipping:
                    buffer += chunk[start:]
                    if len(buffer) > max_line_bytes:
                        buffer, skipping = b"", True
                break
            number += 1
            if max_lines is not None and number > max_lines:
                raise OverLimit(f"more than {max_lines} lines in one object", number)
            if number >= next_check:
                stream.check()
                next_check = number + CHECK_LINES
            if skipping:
                yield Line(number, b"", too_long=True)
                skipping = False
            else:
                line = buffer + chunk[start:end]
                buffer = b""
                if len(line) > max_line_bytes:
                    yield Line(number, b"", too_long=True)
                else:
                    yield Line(number, line if bare_cr else line.rstrip(b"\r"))
            start = end + 1
            if bare_cr and chunk[end] == 0x0D:  # CR: with the LF after it, one line end
                if start == len(chunk):
                    after_cr = True
                elif chunk[start] == 0x0A:
                    start += 1
    if skipping:
        yield Line(number + 1, b"", too_long=True)
    elif buffer:
        yield Line(number + 1, buffer if bare_cr else buffer.rstrip(b"\r"))
