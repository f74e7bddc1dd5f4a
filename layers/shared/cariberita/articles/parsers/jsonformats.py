"""NDJSON / JSON Lines (streamed by line) and JSON documents (array or ``{"articles": []}``)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

from cariberita.articles.parsers.errors import UnparseableObject
from cariberita.articles.parsers.jsonarray import stream_articles_member, stream_json_array
from cariberita.articles.parsers.jsonnumbers import TOO_LONG, NumberGuard, holds_huge
from cariberita.articles.parsers.raw_record import RawRecord
from cariberita.articles.parsers.stream import ByteStream, iter_lines

# How far a JSON document is looked through to decide how to read it: leading whitespace and
# the members before an object's "articles" array must fit (the sniff already holds this much).
LOOKAHEAD_BYTES = 1_048_576
_BOM = b"\xef\xbb\xbf"
_WHITESPACE = re.compile(r"[ \t\r\n]*")


def parse_ndjson(
    stream: ByteStream, max_record_bytes: int, max_lines: int | None = None
) -> Iterator[RawRecord]:
    """One JSON object per line; blank lines are skipped, bad lines rejected with their number.

    Any decoding failure of a line (syntax, nesting depth, an over-long integer) rejects that
    line alone.
    """
    numbers = NumberGuard()
    for line in iter_lines(stream, max_record_bytes, max_lines, skip_empty=True):
        if line.too_long:
            yield RawRecord("line", line.number, error=f"line longer than {max_record_bytes} bytes")
            continue
        data = line.data.removeprefix(b"\xef\xbb\xbf") if line.number == 1 else line.data
        if not data.strip():
            continue
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            yield RawRecord("line", line.number, error="not UTF-8 text")
            continue
        try:
            value = numbers.loads(text)
        except json.JSONDecodeError as exc:
            reason = f"invalid JSON: {exc.msg} at column {exc.colno}"
            yield RawRecord("line", line.number, error=reason)
            continue
        except RecursionError:
            yield RawRecord("line", line.number, error="invalid JSON: nested too deeply")
            continue
        except ValueError as exc:  # any other conversion the json module gives up on
            yield RawRecord("line", line.number, error=f"invalid JSON: {exc}"[:200])
            continue
        if numbers.too_long:
            yield RawRecord("line", line.number, error=TOO_LONG)
        else:
            yield RawRecord("line", line.number, data=value)


def parse_json_document(
    stream: ByteStream, max_bytes: int, max_item_bytes: int = 1_000_000
) -> Iterator[RawRecord]:
    """A JSON array of articles, an object with an ``articles`` array, or one article object.

    A top-level array, and the ``articles`` array of an object when it opens within the first
    ``LOOKAHEAD_BYTES``, are streamed item by item (bounded memory; a break keeps the items
    before it). Any other object (one article, or ``articles`` further on) is read whole up to
    ``max_bytes``; bigger batches belong in an array or NDJSON.
    """
    head = _head_text(stream.peek(LOOKAHEAD_BYTES))
    start = _skip_whitespace(head, 0)
    if head.startswith("[", start):
        yield from stream_json_array(stream, max_item_bytes)
        return
    articles = _articles_array_start(head, start)
    if articles is not None:
        yield from stream_articles_member(stream, articles, max_item_bytes)
        return
    raw = stream.read_all(max_bytes)
    if not raw.removeprefix(_BOM).strip():
        return
    numbers = NumberGuard()
    try:
        document = numbers.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise UnparseableObject("not UTF-8 text") from exc
    except json.JSONDecodeError as exc:
        raise UnparseableObject(
            f"invalid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}"
        ) from exc
    except RecursionError as exc:
        raise UnparseableObject("invalid JSON: nested too deeply") from exc
    except ValueError as exc:
        raise UnparseableObject(f"invalid JSON: {exc}"[:200]) from exc
    if isinstance(document, dict) and "articles" in document:
        items = document["articles"]
        if not isinstance(items, list):
            raise UnparseableObject('"articles" must be an array of article objects')
    elif isinstance(document, list):
        items = document
    elif isinstance(document, dict):
        items = [document]
    else:
        raise UnparseableObject("expected an array of articles or an object with an articles array")
    for n, item in enumerate(items, start=1):
        if numbers.too_long and holds_huge(item):
            yield RawRecord("item", n, error=TOO_LONG)
        else:
            yield RawRecord("item", n, data=item)


def _head_text(head: bytes) -> str:
    """The look-ahead decoded as the array reader decodes it (BOM dropped), up to a bad byte."""
    head = head.removeprefix(_BOM)
    try:
        return head.decode("utf-8")
    except UnicodeDecodeError as exc:  # also a character cut by the end of the look-ahead
        return head[: exc.start].decode("utf-8")


def _articles_array_start(head: str, pos: int) -> int | None:
    """Where the ``articles`` array opens, in characters, when ``head`` holds an object's
    members up to it; None when it does not (another object, or a member too big to look past).

    Members before ``articles`` are decoded and ignored; a document that is not valid up to
    there is left to the whole read, which says why.
    """
    if not head.startswith("{", pos):
        return None
    decoder = NumberGuard().decoder  # an over-long integer in an ignored member is no error
    pos += 1
    try:
        while True:
            name, pos = decoder.raw_decode(head, _skip_whitespace(head, pos))
            pos = _skip_whitespace(head, pos)
            if not isinstance(name, str) or not head.startswith(":", pos):
                return None
            pos = _skip_whitespace(head, pos + 1)
            if name == "articles":
                return pos if head.startswith("[", pos) else None
            _, pos = decoder.raw_decode(head, pos)
            pos = _skip_whitespace(head, pos)
            if not head.startswith(",", pos):
                return None
            pos += 1
    except (ValueError, RecursionError):  # JSONDecodeError, or a member cut by the look-ahead
        return None


def _skip_whitespace(text: str, pos: int) -> int:
    return _WHITESPACE.match(text, pos).end()  # type: ignore[union-attr]  # always matches
