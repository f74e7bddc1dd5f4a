"""``cariberita-batch``: the editors' tool. Validate a batch locally, then upload it.

``validate FILE`` runs exactly the parser and checks of the ingest function (a dry run) and
prints the same JSON report; the exit code is 0 only when the status is ``ok`` (1 when a
record is rejected, the file is empty, unreadable, broken off or over a cap).
``upload FILE --bucket B [--key K]`` validates, then uploads to the bucket, where
the ingest function writes the real report to ``reports/<key>.json``. Only objects under the
upload prefix (``uploads/``) are ingested, so a key outside it is refused (exit 2).
A wrong option (a ``--category-map`` that is not a category map, such a ``--key``) exits 2
with a message, as argparse does for its own usage errors.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

from cariberita.articles.categories import CategoryMap, load_category_map
from cariberita.articles.document import to_document
from cariberita.articles.model import Article
from cariberita.articles.parsers import UnparseableObject, open_records
from cariberita.articles.validation import article_from_record
from cariberita.errors import InvalidArticle
from cariberita.ingest.pipeline import ingest_stream
from cariberita.ingest.report import Report, report_key
from cariberita.rules.model import RulesDocument

# template.yaml's UploadPrefix: the bucket notifies the ingest function of these keys only.
UPLOAD_PREFIX = "uploads/"
_PREFIX_PATTERN = re.compile(r"[a-z0-9][a-z0-9_-]{0,60}/")
_NOT_UPLOADS = ("reports/", "rules/")  # the template's asserts: never an UploadPrefix


class BadOption(Exception):
    """An option the command cannot work with; the message says which and why (exit 2)."""


def validate(path: Path, category_map: CategoryMap | None = None, key: str | None = None) -> Report:
    """The dry-run report of a local file (no network); the bundled map unless one is given."""
    with path.open("rb") as handle:
        return ingest_stream(
            handle,
            "local",
            key or path.name,
            writer=None,
            category_map=load_category_map() if category_map is None else category_map,
        )


def category_map(path: str | None) -> CategoryMap:
    """The map ingest would use with ``CATEGORY_MAP_PATH=path`` (the bundled one for None);
    raises BadOption when the file is missing or is not a JSON object of label -> category."""
    if path is None:
        return load_category_map()
    try:
        return load_category_map(path)
    except (OSError, ValueError, RecursionError) as exc:
        raise BadOption(f"--category-map {path}: {_map_problem(path, exc)}") from exc


def _map_problem(path: str, exc: BaseException) -> str:
    if isinstance(exc, FileNotFoundError):
        return "no such file"
    if isinstance(exc, IsADirectoryError):
        return "is a directory, not a file"
    if isinstance(exc, OSError):
        return exc.strerror or str(exc)
    if isinstance(exc, UnicodeDecodeError):
        return "not UTF-8 text"
    if isinstance(exc, RecursionError):
        return "not a category map: JSON nested too deeply"
    if isinstance(exc, json.JSONDecodeError):
        return f"not JSON: {exc}"
    # The file is JSON, just not a map: the editors' rules file is the likely mix-up.
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    if isinstance(data, dict) and RulesDocument.model_fields.keys() & data.keys():
        return (
            "this is an editors' rules file; a category map is a JSON object "
            '{"publisher section": "site category", ...}'
        )
    return str(exc).removeprefix(f"{path}: ")


def upload_key(path: Path, key: str | None, prefix: str = UPLOAD_PREFIX) -> str:
    """``key``, or ``<prefix><file name>``; raises BadOption for a key the bucket would never
    ingest (outside the upload prefix, or naming a folder): it would get no report."""
    if not _PREFIX_PATTERN.fullmatch(prefix) or prefix in _NOT_UPLOADS:
        raise BadOption(
            f"--upload-prefix {prefix!r}: the stack's UploadPrefix, a name like uploads/ "
            "(lower-case letters, digits, _ and -, ending in /; not reports/ nor rules/)"
        )
    if key is None:
        return f"{prefix}{path.name}"
    if key.startswith(prefix) and not key.endswith("/"):
        return key
    name = key.rsplit("/", 1)[-1] or path.name
    raise BadOption(
        f"--key {key!r}: only objects under {prefix} are ingested (nothing else would be "
        f"indexed nor reported); use e.g. --key {prefix}{name}"
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
    for entry in report.repeated:
        unit = next(u for u in ("line", "row", "item", "page") if u in entry)
        lines.append(
            f"  {unit} {entry[unit]}: id {entry['id']!r} again ({unit} {entry['first']}): "
            "one article, the newer copy kept (on a tie, the later record)"
        )
    if report.repeated_not_listed:
        lines.append(f"  ... and {report.repeated_not_listed} more repeated id(s)")
    return "\n".join(lines)


def show(path: Path, limit: int = 5, category_map: CategoryMap | None = None) -> str:
    """The first valid articles as they would be indexed (title, date, categories, author),
    with ``category_map`` applied as ingest applies it (the bundled map when None)."""
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
                    doc = to_document(item, f"tools/local/{path.name}", category_map)
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
    check.add_argument(
        "--category-map",
        help="JSON object of publisher section -> site category, used by the report and --show "
        "as ingest uses CATEGORY_MAP_PATH (default: the bundled map); exit 2 if it is not one",
    )
    check.add_argument("--quiet", action="store_true", help="only the summary, no JSON report")
    check.add_argument("--show", action="store_true", help="also show the first valid articles")
    send = commands.add_parser("upload", help="validate, then upload to the bucket")
    send.add_argument("file", type=Path)
    send.add_argument("--bucket", required=True)
    send.add_argument(
        "--key",
        help="object key, under the upload prefix (default: uploads/<file name>); "
        "a key outside it would never be ingested and is refused (exit 2)",
    )
    send.add_argument(
        "--upload-prefix",
        default=UPLOAD_PREFIX,
        help="the stack's UploadPrefix: only keys under it are ingested (default: uploads/)",
    )
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
    try:
        if args.command == "validate":
            return _validate(args, path)
        return _upload(args, path)
    except BadOption as exc:
        print(f"cariberita-batch {args.command}: {exc}", file=sys.stderr)
        return 2


def _validate(args: argparse.Namespace, path: Path) -> int:
    mapping = category_map(args.category_map)
    report = validate(path, mapping)
    if not args.quiet:
        print(report.to_json(), end="")
    print(summary(report), file=sys.stderr)
    if args.show:
        print(show(path, category_map=mapping), file=sys.stderr)
    return 0 if report.status == "ok" else 1


def _upload(args: argparse.Namespace, path: Path) -> int:
    from cariberita import storage

    key = upload_key(path, args.key, args.upload_prefix)
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
