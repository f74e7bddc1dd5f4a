"""``cariberita-admin synonyms discover``: read the archive once, write a rules file for editors.

The file is a rules file that ``rules check`` and ``rules apply`` take as it is (docs/analysis.md):
through the index it holds the rules in force followed by the proposals, and names the version
it was written from (``rules.in_force``), so applying it never drops rules silently; from a file
(offline) it holds the proposals only, and apply refuses it while it would drop rules in force.

An articles file is NDJSON, gzipped or not. A line that is not a JSON article (not UTF-8, not
JSON, not an object, no text) is skipped and counted; a file that cannot be read at all, or
holds no article, is an error message and a non-zero exit, never a traceback.
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from opensearchpy import OpenSearch

_SHOWN_LINES = 5
_GZIP_MAGIC = b"\x1f\x8b"


class DiscoverError(Exception):
    """The command cannot run: a message for the operator, and the exit code."""

    def __init__(self, message: str, code: int = 1) -> None:
        super().__init__(message)
        self.code = code


class _BadLine(Exception):
    pass


@dataclass
class Skipped:
    """Lines of an articles file that were not articles: how many, and the first few."""

    count: int = 0
    first: list[tuple[int, str]] = field(default_factory=list)

    def add(self, number: int, reason: str) -> None:
        self.count += 1
        if len(self.first) < _SHOWN_LINES:
            self.first.append((number, reason))

    def describe(self) -> str:
        shown = ", ".join(f"line {n} ({why})" for n, why in self.first)
        return f"{shown}{', ...' if self.count > len(self.first) else ''}"


def from_file(args: argparse.Namespace) -> int:
    """Discover from ``args.from_file``, offline: no rules in force are read."""
    from cariberita.rules import in_force

    skipped = Skipped()
    try:
        _check_paths(args.from_file, args.out)
        articles = _Counted(_articles_from_file(args.from_file, skipped))
        proposals, evidence = _discover(articles, args)
    except DiscoverError as exc:
        return _fail(exc)
    if skipped.count:
        print(
            f"warning: skipped {skipped.count} line(s) of {args.from_file} that are not JSON"
            f" articles: {skipped.describe()}",
            file=sys.stderr,
        )
    if skipped.count and not articles.count:
        message = (
            f"no article in {args.from_file}: discover reads NDJSON (optionally .gz), one JSON"
            " object with a title or a body a line"
        )
        return _fail(DiscoverError(message))
    document = in_force.proposals_only(proposals, evidence)
    extra = {"skipped_lines": {"count": skipped.count, "first": [n for n, _ in skipped.first]}}
    return _write(document, articles.count, args.out, None, extra if skipped.count else {})


def from_index(client: OpenSearch, alias: str, args: argparse.Namespace) -> int:
    """Discover from the alias, and write the rules in force with the proposals they lack."""
    from cariberita.rules import in_force
    from cariberita.rules.opensearch_store import OpenSearchRulesStore
    from cariberita.rules.store import RulesUnavailable

    try:
        _check_paths(None, args.out)
    except DiscoverError as exc:
        return _fail(exc)
    counted = _Counted(_articles_from_index(client, alias))
    proposals, evidence = _discover(counted, args)
    try:
        current = OpenSearchRulesStore(client, alias).current()
    except RulesUnavailable as exc:
        print(f"warning: {exc}: the file holds the proposals only", file=sys.stderr)
        document = in_force.proposals_only(proposals, evidence)
        return _write(document, counted.count, args.out, None, {})
    document = in_force.with_proposals(current, proposals, evidence)
    return _write(document, counted.count, args.out, current.version if current else 0, {})


def _fail(exc: DiscoverError) -> int:
    print(f"error: {exc}", file=sys.stderr)
    return exc.code


def _check_paths(source: Path | None, out: Path | None) -> None:
    """Before reading the whole archive: the input is a file and the output can be written."""
    if source is not None and not source.is_file():
        why = "is a directory" if source.is_dir() else "does not exist"
        raise DiscoverError(f"--from-file {source} {why}: give an NDJSON file", code=2)
    if out is not None and (out.is_dir() or not out.parent.is_dir()):
        why = "is a directory" if out.is_dir() else f"is in {out.parent}, which does not exist"
        raise DiscoverError(f"--out {out} {why}", code=2)


class _Counted:
    def __init__(self, articles: Iterator[tuple[str, str]]) -> None:
        self._articles = articles
        self.count = 0

    def __iter__(self) -> Iterator[tuple[str, str]]:
        for article in self._articles:
            self.count += 1
            yield article


def _discover(
    articles: Iterable[tuple[str, str]], args: argparse.Namespace
) -> tuple[list[list[str]], list[dict[str, Any]]]:
    """The proposed synonym groups and their evidence, most frequent first."""
    from cariberita.index import synonym_discovery, wordlists

    evidence = synonym_discovery.Evidence()
    for article_id, text in articles:
        evidence.add(article_id, text)
    found = evidence.results(
        min_articles=args.min_articles,
        min_consistency=args.min_consistency,
        skip_words=frozenset(wordlists.read("stopwords.txt") + wordlists.read("roots.txt")),
        shipped=synonym_discovery.shipped_pairs(wordlists.read_folder("abbreviations")),
    )
    document = synonym_discovery.rules_document(
        found, min_articles=args.min_articles, limit=args.limit
    )
    return document["synonyms"], document["_discovered"]


def _write(
    document: dict[str, Any],
    articles: int,
    out: Path | None,
    based_on: int | None,
    extra: dict[str, Any],
) -> int:
    """The rules file to ``out`` (and a summary on stdout), or to stdout."""
    text = json.dumps(document, ensure_ascii=False, indent=2) + "\n"
    if out is None:
        sys.stdout.write(text)
        return 0
    try:
        out.write_text(text, encoding="utf-8")
    except OSError as exc:
        return _fail(DiscoverError(f"cannot write {out}: {exc.strerror or exc}"))
    summary = {
        "articles": articles,
        "proposed": len(document["_discovered"]),
        "based_on_version": based_on,
        "out": str(out),
        **extra,
    }
    print(json.dumps(summary, indent=2))
    return 0


def _article_text(article: dict[str, Any]) -> str:
    return f"{article.get('title') or ''}\n{article.get('body') or ''}"


def _articles_from_file(path: Path, skipped: Skipped) -> Iterator[tuple[str, str]]:
    """``(id, text)`` of every article in an NDJSON file, gzipped or not; other lines are
    counted in ``skipped``. Raises DiscoverError when the file cannot be read."""
    try:
        with path.open("rb") as raw:
            gzipped = raw.read(2) == _GZIP_MAGIC
        with gzip.open(path, "rb") if gzipped else path.open("rb") as lines:
            for number, line in enumerate(lines, 1):
                try:
                    found = _article(line, first=number == 1)
                except _BadLine as exc:
                    skipped.add(number, str(exc))
                    continue
                if found is not None:
                    yield str(found.get("id") or f"line-{number}"), _article_text(found)
    except (OSError, EOFError, zlib.error) as exc:  # gzip.BadGzipFile is an OSError
        reason = getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
        raise DiscoverError(f"cannot read {path}: {reason}") from exc


def _article(line: bytes, first: bool) -> dict[str, Any] | None:
    """The article a line holds; None for a blank line; raises _BadLine saying why not."""
    try:
        text = line.decode("utf-8-sig" if first else "utf-8")
    except UnicodeDecodeError as exc:
        raise _BadLine("not UTF-8") from exc
    if not text.strip():
        return None
    try:
        article = json.loads(text)
    except RecursionError as exc:
        raise _BadLine("JSON nested too deeply") from exc
    except ValueError as exc:
        raise _BadLine("not JSON") from exc
    if not isinstance(article, dict):
        raise _BadLine(f"a JSON {type(article).__name__}, not an object")
    texts = [article.get(key) for key in ("title", "body")]
    if any(value is not None and not isinstance(value, str) for value in texts):
        raise _BadLine("title or body is not text")
    if not any(texts):
        raise _BadLine("no title or body")
    return article


def _articles_from_index(client: OpenSearch, alias: str) -> Iterator[tuple[str, str]]:
    """``(id, text)`` of every article behind the alias, through a read-only scroll."""
    from opensearchpy import helpers

    query = {"query": {"match_all": {}}, "_source": ["id", "title", "body"]}
    for hit in helpers.scan(client, index=alias, query=query, size=500, scroll="5m"):
        yield str(hit["_source"].get("id") or hit["_id"]), _article_text(hit["_source"])
