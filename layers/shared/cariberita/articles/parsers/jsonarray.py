"""A JSON array read item by item, so a big ``[...]`` batch is streamed like NDJSON.

The array is the document itself, or the ``articles`` member of a ``{"articles": [...]}``
document (same reader, same guarantees). ``json.JSONDecoder.raw_decode`` parses one item from
a text buffer that only ever holds the current item plus one chunk; an item that is not
complete yet simply waits for more input. An item that is too big, nested too deeply or holds
an over-long integer is skipped (its brackets counted) and rejected alone; a syntax error
cannot be resynced after, so it ends the reading (UnparseableObject) with the items before it
already yielded.
"""

from __future__ import annotations

import codecs
import json
from collections.abc import Generator, Iterator

from cariberita.articles.parsers.errors import UnparseableObject
from cariberita.articles.parsers.jsonnumbers import TOO_LONG, NumberGuard
from cariberita.articles.parsers.raw_record import RawRecord
from cariberita.articles.parsers.stream import ByteStream

_TOO_LARGE = object()
_TOO_DEEP = object()
_WHITESPACE = " \t\r\n"


class _Text:
    """Decoded text of the stream with a cursor; more is read on demand."""

    def __init__(self, stream: ByteStream) -> None:
        self._chunks = stream.chunks()
        self._utf8 = codecs.getincrementaldecoder("utf-8-sig")()
        self.buffer = ""
        self.pos = 0
        self.ended = False

    def more(self) -> bool:
        if self.ended:
            return False
        chunk = next(self._chunks, None)
        try:
            text = self._utf8.decode(chunk or b"", final=chunk is None)
        except UnicodeDecodeError as exc:
            raise UnparseableObject("not UTF-8 text") from exc
        self.ended = chunk is None
        # Drop what has been consumed, so the buffer stays one item plus one chunk.
        self.buffer = self.buffer[self.pos :] + text
        self.pos = 0
        return True

    def peek_char(self) -> str:
        """The next non-whitespace character ("" at the end)."""
        while True:
            while self.pos < len(self.buffer) and self.buffer[self.pos] in _WHITESPACE:
                self.pos += 1
            if self.pos < len(self.buffer):
                return self.buffer[self.pos]
            if not self.more():
                return ""

    def take_char(self) -> str:
        """The next non-whitespace character, consumed ("" at the end)."""
        char = self.peek_char()
        self.pos += len(char)
        return char

    def seek(self, offset: int) -> None:
        """Move to ``offset`` characters from the start; only before anything is consumed."""
        while len(self.buffer) < offset and self.more():
            pass
        self.pos = offset


def stream_json_array(stream: ByteStream, max_item_bytes: int) -> Iterator[RawRecord]:
    """Items of a ``[...]`` document, numbered from 1; syntax errors end the object."""
    text = _Text(stream)
    count = yield from _array_items(text, max_item_bytes)
    if text.peek_char():
        raise UnparseableObject(f"invalid JSON: extra data after the array's {count} items")


def stream_articles_member(
    stream: ByteStream, start: int, max_item_bytes: int
) -> Iterator[RawRecord]:
    """Items of the ``articles`` array of a ``{...}`` document, as ``stream_json_array``.

    ``start`` is where that array opens, in characters of the decoded text (BOM excluded); the
    members before it have been looked through by the caller. Members after it are read past
    and ignored, each value bounded like an item; a second ``articles`` member, a syntax error
    or text after the object ends the reading after the items.
    """
    text = _Text(stream)
    text.seek(start)
    count = yield from _array_items(text, max_item_bytes)
    where = f"after the articles array's {count} items"
    numbers = NumberGuard()
    while (separator := text.take_char()) == ",":
        name = _item(text, f"the object {where}", max_item_bytes, numbers)
        if not isinstance(name, str):
            raise UnparseableObject(f"invalid JSON {where}: expected a member name")
        if name == "articles":
            raise UnparseableObject(f'invalid JSON: a second "articles" member {where}')
        if text.take_char() != ":":
            raise UnparseableObject(f"invalid JSON {where}: expected ':'")
        _item(text, f"the object {where}", max_item_bytes, numbers)  # ignored
    if separator != "}":
        raise UnparseableObject(f"invalid JSON {where}: expected ',' or '}}'")
    if text.peek_char():
        raise UnparseableObject(f"invalid JSON: extra data after the object's {count} items")


def _array_items(text: _Text, max_item_bytes: int) -> Generator[RawRecord, None, int]:
    """Items of the array that opens at the cursor, numbered from 1; returns their count."""
    if text.take_char() != "[":
        raise UnparseableObject("expected a JSON array")
    number = 0
    numbers = NumberGuard()
    if text.peek_char() == "]":
        text.pos += 1
        return number
    while True:
        number += 1
        start = text.pos
        value = _item(text, f"item {number}", max_item_bytes, numbers)
        if value is _TOO_DEEP:  # first: the size of a skipped item depends on the chunking
            yield RawRecord("item", number, error="invalid JSON: nested too deeply")
        elif value is _TOO_LARGE or text.pos - start > max_item_bytes:
            yield RawRecord("item", number, error=f"item larger than {max_item_bytes} bytes")
        elif numbers.too_long:
            yield RawRecord("item", number, error=TOO_LONG)
        else:
            yield RawRecord("item", number, data=value)
        separator = text.take_char()
        if separator == "]":
            return number
        if separator != ",":
            raise UnparseableObject(f"invalid JSON after item {number}: expected ',' or ']'")


def _item(text: _Text, what: str, max_item_bytes: int, numbers: NumberGuard) -> object:
    """The next value; ``text.pos`` moves past it (sizes are counted in characters)."""
    text.peek_char()
    while True:
        numbers.too_long = False
        try:
            value, end = numbers.decoder.raw_decode(text.buffer, text.pos)
        except json.JSONDecodeError as exc:
            value, end, error = None, -1, exc
        except RecursionError:
            _skip_value(text, what)
            return _TOO_DEEP
        # A value that reaches the end of the buffer may continue (e.g. a number): read on.
        if end != -1 and (end < len(text.buffer) or text.ended):
            text.pos = end
            return value
        if len(text.buffer) - text.pos > max_item_bytes:
            _skip_value(text, what)
            return _TOO_LARGE
        if not text.more():
            reason = error.msg if end == -1 else "unexpected end"
            raise UnparseableObject(f"invalid JSON in {what}: {reason}")


def _skip_value(text: _Text, what: str) -> None:
    """Move past an over-long object, array or string without holding it (brackets, quotes)."""
    depth, in_string, escaped = 0, False, False
    while True:
        buffer = text.buffer
        for index in range(text.pos, len(buffer)):
            char = buffer[index]
            if in_string:
                if escaped:
                    escaped = False
                elif char == "\\":
                    escaped = True
                elif char == '"':
                    in_string = False
                    if depth == 0:
                        text.pos = index + 1
                        return
            elif char == '"':
                in_string = True
            elif char in "[{":
                depth += 1
            elif char in "]}":
                depth -= 1
                if depth == 0:
                    text.pos = index + 1
                    return
        text.pos = len(buffer)  # consumed: the next read drops it
        if not text.more():
            raise UnparseableObject(f"invalid JSON in {what}: unexpected end")
