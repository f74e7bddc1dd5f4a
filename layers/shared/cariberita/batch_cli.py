"""``cariberita-batch``: the editors' tool. Validate a batch locally, then upload it.

``validate FILE`` runs exactly the parser and checks of the ingest function (a dry run) and
prints the same JSON report; the exit code is 0 only when the status is ``ok`` (1 when a
record is rejected, the file is empty, unreadable, broken off or over a cap).
``upload FILE --bucket B [--key K]`` validates, then uploads to the bucket, where
the ingest function writes the real report to ``reports/<key>.json``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from cariberita.articles.categories import load_category_map
from cariberita.articles.document import to_document
from cariberita.articles.model import Article
from cariberita.articles.parsers import UnparseableObject, open_records
from cariberita.articles.validation import article_from_record
from cariberita.errors import InvalidArticle
from cariberita.ingest.pipeline import ingest_stream
from cariberita.ingest.report import Report, report_key


def validate(path: Path, category_map: str | None = None, key: str | None = None) -> Report:
    """The dry-run report of a local file (no network)."""
    with path.open("rb") as handle:
        return ingest_stream(
            handle,
            "local",
            key or path.name,
            writer=None,
            category_map=load_category_map(category_map),
        )


def summary(report: Report) -> str:
    """A few lines an editor can read; the JSON report carries every detail."""
    status = report.status
    if status == "unparseable":
        return f"{report.key}: cannot be read: {report.error}"
    if status == "empty":
        return f"{report.key}: empty: no articles to index"
    counts = report.counts
    lines = [
        f"{report.key}: {report.format}, {counts['received']} record(s), "
        f"{counts['valid']} valid, {counts['rejected']} rejected"
    ]
    if report.stop is not None:
        where = ", ".join(f"{unit} {n}" for unit, n in (report.stopped_at or {}).items())
        lines.append(
            f"  {status}: reading stopped{' at ' + where if where else ''}: {report.error}"
        )
    for entry in report.rejected:
        where = next(
            f"{unit} {entry[unit]}" for unit in ("line", "row", "item", "page") if unit in entry
        )
        lines.append(f"  {where}: {entry['reason']}")
    if report.rejected_not_listed:
        lines.append(f"  ... and {report.rejected_not_listed} more")
    return "\n".join(lines)


def show(path: Path, limit: int = 5) -> str:
    """The first valid articles as they would be indexed (title, date, categories, author)."""
    lines: list[str] = []
    with path.open("rb") as handle:
        try:
            _, _, records = open_records(handle, path.name)
            for raw in records:
                if len(lines) >= limit:
                    break
                try:
                    item = article_from_record(raw.data) if raw.error is None else None
                except InvalidArticle:
                    continue
                if isinstance(item, Article):
                    doc = to_document(item, f"tools/local/{path.name}")
                    lines.append(
                        f"  {raw.unit} {raw.position}: {doc['title']!r}\n"
                        f"    id={doc['id']} published_at={doc['published_at']} "
                        f"author={doc['author']!r}\n"
                        f"    category={doc['category']} body={len(doc['body'])} characters"
                    )
        except UnparseableObject:
            return ""
    return "\n".join(lines)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="cariberita-batch", description=__doc__.split("\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    check = commands.add_parser("validate", help="dry run: print the report, exit 1 on rejects")
    check.add_argument("file", type=Path)
    check.add_argument("--category-map", help="JSON map of publisher section -> site category")
    check.add_argument("--quiet", action="store_true", help="only the summary, no JSON report")
    check.add_argument("--show", action="store_true", help="also show the first valid articles")
    send = commands.add_parser("upload", help="validate, then upload to the bucket")
    send.add_argument("file", type=Path)
    send.add_argument("--bucket", required=True)
    send.add_argument("--key", help="object key (default: uploads/<file name>)")
    send.add_argument(
        "--strict", action="store_true", help="do not upload if any record is rejected"
    )
    send.add_argument("--reports-prefix", default="reports/")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    path: Path = args.file
    if not path.is_file():
        print(f"{path}: no such file", file=sys.stderr)
        return 2
    if args.command == "validate":
        report = validate(path, args.category_map)
        if not args.quiet:
            print(report.to_json(), end="")
        print(summary(report), file=sys.stderr)
        if args.show:
            print(show(path), file=sys.stderr)
        return 0 if report.status == "ok" else 1

    from cariberita import storage

    key = args.key or f"uploads/{path.name}"
    report = validate(path, key=key)
    print(summary(report), file=sys.stderr)
    if report.error or report.status == "empty" or (args.strict and report.counts["rejected"]):
        print("not uploaded", file=sys.stderr)
        return 1
    storage.upload_file(path, args.bucket, key)
    print(
        f"uploaded s3://{args.bucket}/{key}; the ingest report will be at "
        f"s3://{args.bucket}/{report_key(args.reports_prefix, key)}",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
