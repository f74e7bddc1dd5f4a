#!/usr/bin/env python3
"""Scan the repository for committed secrets: AWS keys, private keys, tokens, credentials in URLs.

    tools/scripts/scan-secrets.py [--history] [--root DIR]

Scans every file git knows (tracked, plus untracked files that are not ignored, so a secret is
caught before it is committed); with ``--history`` also every line ever added in any commit.
Prints ``path:line: kind: masked match`` per finding and exits 1 if there is any, else 0.
A line that must contain a secret-shaped test value says so with ``secrets-scan: allow``;
reviewed findings in old commits are listed by hash in tools/scripts/secrets-baseline.txt.
"""

from __future__ import annotations

import argparse
import hashlib
import math
import re
import subprocess
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

ALLOW_PRAGMA = "secrets-scan: allow"
# Reviewed false positives that stay in git history (a pragma cannot be added to an old commit):
# one sha256 of the matched text per line, with the reason after a '#'.
BASELINE = Path(__file__).resolve().parent / "secrets-baseline.txt"
MAX_FILE_BYTES = 2_000_000

PATTERNS: dict[str, re.Pattern[str]] = {
    "aws-access-key-id": re.compile(
        r"(?<![A-Z0-9])(?:AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16}(?![A-Z0-9])"
    ),
    "aws-secret-access-key": re.compile(
        r"(?i)aws.{0,20}secret.{0,20}?[:=]\s*[\"']?([A-Za-z0-9/+]{40})(?![A-Za-z0-9/+])"
    ),
    "private-key": re.compile(r"-----BEGIN (?:[A-Z]+ )*PRIVATE KEY(?: BLOCK)?-----"),
    "github-token": re.compile(r"\b(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{22,})"),
    "slack-token": re.compile(r"\bxox[abposr]-[A-Za-z0-9-]{10,}"),
    "google-api-key": re.compile(r"\bAIza[0-9A-Za-z_\-]{35}\b"),
    "stripe-live-key": re.compile(r"\b[sr]k_live_[0-9a-zA-Z]{20,}"),
    "jwt": re.compile(r"\beyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}"),
    "password-in-url": re.compile(r"\b[a-z][a-z0-9+.-]*://[^\s/:@\"']+:([^\s/:@\"']+)@[\w.-]+"),
    "assigned-secret": re.compile(
        r"(?i)\b(?:password|passwd|secret|token|api[_-]?key|access[_-]?key)\w*[\"']?\s*[:=]\s*"
        r"[\"']([^\"'\s]{16,})[\"']"
    ),
}
# Values that look like secrets by shape but are well-known placeholders (moto, docs, tests).
PLACEHOLDERS = {"testing", "password", "admin", "secret", "changeme", "example", "pass", "x"}


@dataclass(frozen=True)
class Finding:
    path: str
    line: int
    kind: str
    match: str

    def __str__(self) -> str:
        masked = self.match[:4] + "…" + f"({len(self.match)} chars)"
        return f"{self.path}:{self.line}: {self.kind}: {masked}"


def _entropy(value: str) -> float:
    counts = {c: value.count(c) for c in set(value)}
    return -sum(n / len(value) * math.log2(n / len(value)) for n in counts.values())


def _looks_random(value: str) -> bool:
    """Generated secrets mix letters and digits with high entropy; names and templates do not."""
    mixed = any(c.isdigit() for c in value) and any(c.isalpha() for c in value)
    return mixed and "{" not in value and _entropy(value) >= 3.5


def _baseline() -> set[str]:
    if not BASELINE.is_file():
        return set()
    lines = BASELINE.read_text(encoding="utf-8").splitlines()
    return {line.split("#", 1)[0].strip() for line in lines if line.split("#", 1)[0].strip()}


def fingerprint(match: str) -> str:
    return hashlib.sha256(match.encode()).hexdigest()


def scan_text(text: str, path: str = "<text>") -> Iterator[Finding]:
    """Every secret-shaped match in ``text``, skipping placeholders and allowed lines."""
    for number, line in enumerate(text.splitlines(), 1):
        if ALLOW_PRAGMA in line:
            continue
        for kind, pattern in PATTERNS.items():
            for match in pattern.finditer(line):
                value = match.group(match.lastindex or 0)
                if value.lower() in PLACEHOLDERS:
                    continue
                # A generic assignment counts only when the value looks random, not like a name.
                if kind == "assigned-secret" and not _looks_random(value):
                    continue
                yield Finding(path, number, kind, match.group(0))


def repository_files(root: Path) -> list[str]:
    out = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=root,
        check=True,
        capture_output=True,
    ).stdout
    return sorted({p for p in out.decode().split("\0") if p})


def scan_files(root: Path, paths: Iterable[str]) -> Iterator[Finding]:
    for rel in paths:
        file = root / rel
        if not file.is_file() or file.stat().st_size > MAX_FILE_BYTES:
            continue
        data = file.read_bytes()
        if b"\0" in data[:8192]:
            continue  # binary
        yield from scan_text(data.decode("utf-8", errors="replace"), rel)


def scan_history(root: Path) -> Iterator[Finding]:
    """Lines added by any commit on any ref (a secret removed later is still in history)."""
    log = subprocess.run(
        ["git", "log", "--all", "-p", "--no-color", "--format=commit %H", "--no-ext-diff"],
        cwd=root,
        check=True,
        capture_output=True,
    ).stdout.decode("utf-8", errors="replace")
    commit, path = "", ""
    reviewed = _baseline()
    for line in log.splitlines():
        if line.startswith("commit "):
            commit = line[7:19]
        elif line.startswith("+++ b/"):
            path = line[6:]
        elif line.startswith("+") and not line.startswith("+++"):
            for finding in scan_text(line[1:], f"{commit}:{path}"):
                if fingerprint(finding.match) not in reviewed:
                    yield Finding(finding.path, 0, finding.kind, finding.match)


def _record(artifact: Path, **figures: object) -> None:
    """Merge the scan's row into the reliability artifact (docs/reliability.md)."""
    import datetime as dt
    import json

    rows = json.loads(artifact.read_text()) if artifact.is_file() else {}
    figures["recorded_at"] = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    figures["injected"] = f"{len(PATTERNS)} secret patterns over every file git knows" + (
        " and every line added in the history" if figures["history"] else ""
    )
    figures["lost"] = "n/a"
    rows["supply/secrets-scan"] = figures
    artifact.parent.mkdir(parents=True, exist_ok=True)
    artifact.write_text(json.dumps(rows, indent=2, ensure_ascii=False, sort_keys=True) + "\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--history", action="store_true", help="also scan every commit's additions")
    parser.add_argument("--root", type=Path, default=Path(__file__).resolve().parents[2])
    parser.add_argument("--record", type=Path, help="merge the figures into this JSON artifact")
    args = parser.parse_args(argv)
    files = repository_files(args.root)
    findings = list(scan_files(args.root, files))
    if args.history:
        findings += list(scan_history(args.root))
    for finding in findings:
        print(finding)
    scope = f"{len(files)} files" + (" and the git history" if args.history else "")
    print(f"secrets scan: {len(findings)} finding(s) in {scope}", file=sys.stderr)
    if args.record:
        _record(args.record, files=len(files), history=args.history, findings=len(findings))
    return 1 if findings else 0


if __name__ == "__main__":
    sys.exit(main())
