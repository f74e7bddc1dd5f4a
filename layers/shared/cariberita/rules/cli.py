"""``cariberita-admin rules apply FILE | check FILE | show | history | rollback VERSION`` and
``insights``. ``show`` prints the rules themselves, so its output goes back through ``check`` and
``apply`` as it is; the version's metadata goes to stderr.

Only someone who can run the admin CLI against the domain (its IAM principal) or write to the
bucket can change rules; the public API has no write route.
"""

from __future__ import annotations

import getpass
import json
import os
import re
import sys
from pathlib import Path
from typing import Any

from cariberita.rules import insights, service
from cariberita.rules.model import RulesRejected
from cariberita.rules.opensearch_store import OpenSearchArticleIds, OpenSearchRulesStore
from cariberita.rules.store import RulesUnavailable

ACTIONS = ("apply", "show", "history", "rollback", "check")
ANALYTICS_FILE_VARIABLE = "CARIBERITA_ANALYTICS_FILE"


def who() -> str:
    """The CLI user: the AWS identity when requests are signed, else the local user name."""
    user = f"cli:{getpass.getuser()}"
    if os.environ.get("OPENSEARCH_AUTH") == "sigv4":
        try:
            import boto3

            return f"{user} ({boto3.client('sts').get_caller_identity()['Arn']})"
        except Exception:  # the audit name is best effort; the request is signed regardless
            return user
    return user


def _print(value: Any) -> None:
    print(json.dumps(value, ensure_ascii=False, indent=2))


def run(client: Any, alias: str, action: str, target: str | None) -> int:
    store = OpenSearchRulesStore(client, alias)
    try:
        if action in ("apply", "check"):
            if not target:
                print(f"error: rules {action} needs a FILE", file=sys.stderr)
                return 2
            data = Path(target).read_bytes()
            ids = OpenSearchArticleIds(client, alias)
            if action == "check":
                checked = service.check(data, ids, store)
                _print(_with_notes({"status": "valid", "counts": checked.counts()}, checked.notes))
                return 0
            applied = service.apply(store, data, who(), ids)
            outcome = {
                "status": "applied",
                "version": applied.entry.version,
                "counts": applied.counts,
                "note": "in force for every search within 60 seconds",
            }
            _print(_with_notes(outcome, applied.notes))
        elif action == "show":
            _show(service.show(store))
        elif action == "history":
            _print(service.history(store))
        elif action == "rollback":
            number = version_number(target)
            if number is None:
                print("error: rules rollback needs a VERSION number (e.g. 6)", file=sys.stderr)
                return 2
            applied = service.rollback(store, number, who())
            _print({"status": "rolled back", "version": applied.entry.version, "to": number})
    except RulesRejected as exc:
        _print({"status": "rejected", "problems": exc.problems})
        return 1
    except (RulesUnavailable, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


def version_number(text: str | None) -> int | None:
    """A version as typed: ASCII digits only (``str.isdigit`` also takes ``²`` and ``٣``)."""
    if text is None or not re.fullmatch(r"[0-9]{1,9}", text):
        return None
    return int(text)


def _with_notes(outcome: dict[str, Any], notes: list[str]) -> dict[str, Any]:
    return {**outcome, "notes": notes} if notes else outcome


def _show(shown: dict[str, Any]) -> None:
    """The rules on stdout, as a file ``rules check``/``apply`` take back (download, edit,
    upload); which version they are, and who applied it, on stderr."""
    _print(shown["rules"])
    if shown["version"] == 0:
        print("no rules applied yet (version 0)", file=sys.stderr)
        return
    print(
        f"version {shown['version']} ({shown.get('action', 'apply')}), applied"
        f" {shown.get('applied_at')} by {shown.get('applied_by')};"
        " cariberita-admin rules history lists every version",
        file=sys.stderr,
    )


def run_insights(days: int, analytics_file: str | None, log_group: str | None) -> int:
    path = analytics_file or os.environ.get(ANALYTICS_FILE_VARIABLE)
    if log_group:
        import boto3

        _print(insights.from_cloudwatch(boto3.client("logs"), log_group, days))
        return 0
    if not path:
        print(
            "error: give --log-group (AWS: the search function's log group) or --analytics-file"
            f" / {ANALYTICS_FILE_VARIABLE} (the local stack's file)",
            file=sys.stderr,
        )
        return 2
    try:
        with open(path, encoding="utf-8") as lines:
            _print(insights.from_lines(lines, days))
    except FileNotFoundError:
        print(f"error: no analytics file at {path} (no search yet?)", file=sys.stderr)
        return 1
    except IsADirectoryError:
        print(f"error: {path} is a directory, not the analytics file", file=sys.stderr)
        return 1
    except UnicodeDecodeError:
        print(
            f"error: {path} is not UTF-8 text, so not the search log the local stack writes",
            file=sys.stderr,
        )
        return 1
    except OSError as exc:
        print(f"error: cannot read {path}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    return 0
