"""Bigger inputs made from the shared corpus: repeated copies with fresh ids, never stored.

Copy 0 is the corpus as it is; copy n>0 gets ``<id>-r<n>`` and a ``#r<n>`` URL fragment, so
every repeated article is a new document for both id schemes (given id, or derived from URL).
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterator, Sequence
from typing import Any


def fresh_copy(article: dict[str, Any], n: int) -> dict[str, Any]:
    """The article as copy ``n`` (0 is the original)."""
    if n == 0:
        return article
    copy = dict(article)
    copy["id"] = f"{article['id']}-r{n}"
    copy["url"] = f"{article['url']}#r{n}"
    if "story" in article:
        # A built document's story fingerprint: each repetition is a story of its own, so the
        # scale index has the corpus's share of copied stories (7 in 21,936) and as many distinct
        # stories as articles, as a real archive has. With ~45 copies of every story the story
        # aggregations (copies, the stories count) saw 22k distinct values at 1M articles, where
        # their cost grows with the distinct values: it made them look far cheaper than at scale.
        copy["story"] = f"{article['story']}-r{n}"
    return copy


def repeated(
    articles: Sequence[dict[str, Any]], total: int, start: int = 0
) -> Iterator[dict[str, Any]]:
    """Articles ``start`` .. ``total - 1`` of the endless repetition of ``articles``."""
    if not articles:
        raise ValueError("no articles to repeat")
    size = len(articles)
    for i in range(start, total):
        yield fresh_copy(articles[i % size], i // size)


class NdjsonStream(io.RawIOBase):
    """A read-only file of NDJSON lines of repeated articles, ``target_bytes`` long (whole lines).

    Generated while read, so a 1 GB upload never exists on disk or in memory at once.
    """

    def __init__(self, articles: Sequence[dict[str, Any]], target_bytes: int) -> None:
        self._articles = articles
        self._target = target_bytes
        self._emitted = 0
        self._count = 0
        self._buffer = b""
        self.articles_written = 0

    def readable(self) -> bool:
        return True

    def _refill(self, want: int) -> None:
        parts = [self._buffer]
        size = len(self._buffer)
        while size < want and self._emitted < self._target:
            article = fresh_copy(
                self._articles[self._count % len(self._articles)],
                self._count // len(self._articles),
            )
            line = json.dumps(article, ensure_ascii=False).encode("utf-8") + b"\n"
            self._count += 1
            self._emitted += len(line)
            self.articles_written += 1
            parts.append(line)
            size += len(line)
        self._buffer = b"".join(parts)

    def readinto(self, buffer: Any) -> int:
        view = memoryview(buffer)
        self._refill(len(view))
        n = min(len(view), len(self._buffer))
        view[:n] = self._buffer[:n]
        self._buffer = self._buffer[n:]
        return n

    @property
    def bytes_written(self) -> int:
        return self._emitted
