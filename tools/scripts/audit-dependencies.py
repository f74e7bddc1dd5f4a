#!/usr/bin/env python3
"""pip-audit over requirements.lock (runtime + dev), failing on any known vulnerability.

    tools/scripts/audit-dependencies.py [--lock requirements.lock] [--strict] [--record FILE]

pip-audit asks PyPI's advisory data per pinned release (``/pypi/<name>/<version>/json``).
Behind a registry mirror that serves only project pages, that lookup is 404 and pip-audit
*skips* the package, which would pass silently. For each skipped package this script falls back
to the project page (``/pypi/<name>/json``), whose ``vulnerabilities`` describe the latest
release: exact for a pin that is the latest release. Pins it still cannot check are listed;
``--strict`` (or AUDIT_STRICT=1) makes them fail the audit too.

Exit status: 0 clean, 1 known vulnerability, 2 unaudited pins under --strict.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def pins(lock: Path) -> dict[str, str]:
    out = {}
    for line in lock.read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if "==" in line:
            name, version = line.split("==", 1)
            out[re.sub(r"[-_.]+", "-", name.strip()).lower()] = version.strip()
    return out


def run_pip_audit(lock: Path) -> list[dict]:
    cmd = [sys.executable, "-m", "pip_audit", "-r", str(lock), "--no-deps", "--disable-pip"]
    cmd += ["--progress-spinner", "off", "-f", "json"]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if not proc.stdout.strip():
        sys.exit(f"pip-audit failed:\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout)["dependencies"]


def project_page_vulns(name: str, version: str) -> list[str] | None:
    """IDs of live advisories for ``name==version`` from the project page, None if unknowable."""
    url = f"https://pypi.org/pypi/{name}/json"
    with urllib.request.urlopen(url, timeout=30) as resp:
        page = json.load(resp)
    if page["info"]["version"] != version:
        return None
    return [v["id"] for v in page.get("vulnerabilities", []) if not v.get("withdrawn")]


def record(artifact: Path, scenario: str, **figures: object) -> None:
    """Merge one row into the reliability artifact (docs/reliability.md is made from it)."""
    import datetime as dt

    rows = json.loads(artifact.read_text()) if artifact.is_file() else {}
    figures["recorded_at"] = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    rows[scenario] = figures
    artifact.parent.mkdir(parents=True, exist_ok=True)
    artifact.write_text(json.dumps(rows, indent=2, ensure_ascii=False, sort_keys=True) + "\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lock", type=Path, default=ROOT / "requirements.lock")
    parser.add_argument(
        "--strict", action="store_true", default=os.environ.get("AUDIT_STRICT") == "1"
    )
    parser.add_argument("--record", type=Path, help="merge the figures into this JSON artifact")
    args = parser.parse_args(argv)
    locked = pins(args.lock)
    vulnerable: dict[str, list[str]] = {}
    unaudited: list[str] = []
    by_pip_audit = by_fallback = 0
    for dep in run_pip_audit(args.lock):
        name = dep["name"]
        if "skip_reason" not in dep:
            by_pip_audit += 1
            if dep.get("vulns"):
                vulnerable[f"{name}=={dep['version']}"] = [v["id"] for v in dep["vulns"]]
            continue
        version = locked.get(name, "?")
        found = project_page_vulns(name, version)
        if found is None:
            unaudited.append(f"{name}=={version}")
            continue
        by_fallback += 1
        if found:
            vulnerable[f"{name}=={version}"] = found
    print(f"audited {by_pip_audit} pins with pip-audit, {by_fallback} from PyPI project pages")
    for pin, ids in sorted(vulnerable.items()):
        print(f"VULNERABLE {pin}: {', '.join(ids)}")
    if unaudited:
        print(f"NOT AUDITED ({len(unaudited)}, not the latest release and no per-release data):")
        print("  " + " ".join(sorted(unaudited)))
    if args.record:
        record(
            args.record,
            "supply/pip-audit",
            injected=f"pip-audit of {args.lock.name} (runtime + dev, {len(locked)} pins)",
            pins=len(locked),
            audited_by_pip_audit=by_pip_audit,
            audited_from_project_pages=by_fallback,
            not_audited=len(unaudited),
            vulnerable=len(vulnerable),
            lost="n/a",
        )
    if vulnerable:
        return 1
    if unaudited and args.strict:
        return 2
    print("no known vulnerability")
    return 0


if __name__ == "__main__":
    sys.exit(main())
