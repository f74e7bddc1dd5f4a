"""Bounded-memory byte streams: gunzip on the fly, peek for sniffing, split lines with a cap."""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

from cariberita.articles.parsers.errors import UnparseableObject

CHUNK_BYTES = 64 * 1024
GZIP_MAGIC = b"\x1f\x8b"


class ByteStream:
    """Decoded (gunzipped when needed) bytes of one object, read in bounded chunks.

    Only one chunk and one partial line are held at a time, whatever the object's size; the
    decompressor is capped per call too, so a "gzip bomb" cannot inflate into memory at once.
    ``bytes_read`` counts bytes read from the underlying object (compressed size for ``.gz``).
    """

    def __init__(self, raw: BinaryIO, chunk_bytes: int = CHUNK_BYTES) -> None:
        self._raw = raw
        self._chunk = chunk_bytes
        self.bytes_read = 0
        first = self._read_raw()
        self.gzipped = first.startswith(GZIP_MAGIC)
        self._inflate = zlib.decompressobj(wbits=31) if self.gzipped else None
        self._input = first  # raw bytes not yet given to the decompressor
        self._pending = b""

    def _read_raw(self) -> bytes:
        data = self._raw.read(self._chunk)
        self.bytes_read += len(data)
        return data

    def _next(self) -> bytes:
        """The next decoded piece (at most ``chunk_bytes``), or b"" at the end."""
        if self._inflate is None:
            data, self._input = self._input or self._read_raw(), b""
            return data
        while True:
            inflate = self._inflate
            if inflate.unconsumed_tail:
                data = inflate.unconsumed_tail
            elif inflate.eof and inflate.unused_data:
                # A .gz file may hold several members (e.g. concatenated batches).
                data, self._inflate = inflate.unused_data, zlib.decompressobj(wbits=31)
            else:
                data, self._input = self._input or self._read_raw(), b""
                if not data:
                    if not inflate.eof:
                        raise UnparseableObject(
                            "truncated gzip data (the upload may be incomplete)"
                        )
                    return b""
                if inflate.eof:
                    self._inflate = zlib.decompressobj(wbits=31)
            try:
                out = self._inflate.decompress(data, self._chunk)
            except zlib.error as exc:
                raise UnparseableObject(f"corrupt gzip data: {exc}") from exc
            if out:
                return out

    def peek(self, size: int = 4096) -> bytes:
        """The first bytes of the decoded content, without consuming them."""
        while len(self._pending) < size:
            data = self._next()
            if not data:
                break
            self._pending += data
        return self._pending[:size]

    def chunks(self) -> Iterator[bytes]:
        if self._pending:
            yield self._pending
            self._pending = b""
        while data := self._next():
            yield data

    def read_all(self, limit: int) -> bytes:
        """The whole decoded content, refused beyond ``limit`` bytes (single-article formats)."""
        parts: list[bytes] = []
        size = 0
        for chunk in self.chunks():
            size += len(chunk)
            if size > limit:
                raise UnparseableObject(
                    f"larger than {limit} bytes for this format; split it or send NDJSON instead"
                )
            parts.append(chunk)
        return b"".join(parts)


@dataclass(frozen=True)
class Line:
    number: int
    data: bytes
    too_long: bool = False


def iter_lines(stream: ByteStream, max_line_bytes: int) -> Iterator[Line]:
    """Lines (without the newline) numbered from 1; an over-long line is reported, not kept."""
    buffer = b""
    number = 0
    skipping = False
    for chunk in stream.chunks():
        start = 0
        while True:
            end = chunk.find(b"\n", start)
            if end < 0:
                if not skipping:
                    buffer += chunk[start:]
                    if len(buffer) > max_line_bytes:
                        buffer, skipping = b"", True
                break
            number += 1
            if skipping:
                yield Line(number, b"", too_long=True)
                skipping = False
            else:
                line = buffer + chunk[start:end]
                buffer = b""
                if len(line) > max_line_bytes:
                    yield Line(number, b"", too_long=True)
                else:
                    yield Line(number, line.rstrip(b"\r"))
            start = end + 1
    if skipping:
        yield Line(number + 1, b"", too_long=True)
    elif buffer:
        yield Line(number + 1, buffer.rstrip(b"\r"))
