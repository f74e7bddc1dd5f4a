"""NDJSON / JSON Lines (streamed by line) and JSON documents (array or ``{"articles": []}``)."""

from __future__ import annotations

import json
from collections.abc import Iterator

from cariberita.articles.parsers.errors import UnparseableObject
from cariberita.articles.parsers.jsonarray import stream_json_array
from cariberita.articles.parsers.jsonnumbers import TOO_LONG, NumberGuard, holds_huge
from cariberita.articles.parsers.raw_record import RawRecord
from cariberita.articles.parsers.stream import ByteStream, iter_lines


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

    A top-level array is streamed item by item (bounded memory). An object cannot be split
    safely, so it is read whole up to ``max_bytes``; bigger batches belong in an array or NDJSON.
    """
    if stream.peek(64).removeprefix(b"\xef\xbb\xbf").lstrip()[:1] == b"[":
        yield from stream_json_array(stream, max_item_bytes)
        return
    raw = stream.read_all(max_bytes)
    if not raw.removeprefix(b"\xef\xbb\xbf").strip():
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
