"""7. Package size: the unzipped size of each function and the layer as ``sam build`` makes them,
against Lambda's 250 MB limit (function plus its layers, unzipped)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile

from bench.context import Context
from bench.env import ROOT
from bench.results import Section, Table, evaluate, skipped

TITLE = "7. Package size (sam build, unzipped)"
LIMIT = 250 * 1000 * 1000
SAM = ROOT / ".venv-tools" / "sam" / "bin" / "sam"


def _sam_build(build_dir: str, cache_dir: str) -> None:
    """Our own build and cache folders, so a build another engineer runs is not disturbed."""
    subprocess.run(  # noqa: S603 - our own script
        [str(ROOT / "tools" / "scripts" / "setup-tools.sh")],
        check=True,
        cwd=ROOT,
        capture_output=True,
        timeout=1200,
    )
    env = {
        **os.environ,
        "SAM_CLI_TELEMETRY": "0",
        "AWS_DEFAULT_REGION": os.environ.get("AWS_DEFAULT_REGION", "ap-southeast-3"),
    }
    env.pop("AWS_ENDPOINT_URL_S3", None)
    proc = subprocess.run(  # noqa: S603 - the SAM CLI from our tools venv
        [
            str(SAM),
            "build",
            "--template-file",
            "template.yaml",
            "--build-dir",
            build_dir,
            "--cache-dir",
            cache_dir,
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=1200,
        env=env,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"sam build failed: {(proc.stderr or proc.stdout)[-1500:]}")


def run(ctx: Context) -> Section:
    script = ROOT / "tools" / "scripts" / "package-sizes.py"
    if not (ROOT / "template.yaml").is_file() or not script.is_file():
        return skipped(
            "packages", TITLE, "template.yaml or tools/scripts/package-sizes.py does not exist yet"
        )
    work = tempfile.mkdtemp(prefix="bench-sam-")
    try:
        _sam_build(f"{work}/build", f"{work}/cache")
        proc = subprocess.run(  # noqa: S603 - our own script
            [sys.executable, str(script), "--build-dir", f"{work}/build"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=300,
            check=True,
        )
    finally:
        shutil.rmtree(work, ignore_errors=True)
    data = json.loads(proc.stdout)
    section = Section("packages", TITLE, raw=data)
    rows = [[name, a["mib"], a["files"]] for name, a in data["artifacts"].items()]
    section.tables.append(Table(["artifact", "MiB unzipped", "files"], rows))
    combined = data["function_plus_layers_bytes"]
    section.tables.append(
        Table(
            ["function + layers", "MB unzipped", "share of 250 MB"],
            [[name, size / 1e6, f"{size / LIMIT * 100:.1f}%"] for name, size in combined.items()],
        )
    )
    if combined:
        largest = max(combined.values())
        section.targets.append(
            evaluate(
                "each function + layers < 250 MB",
                "unzipped, Lambda's limit",
                largest / 1e6,
                "<",
                LIMIT / 1e6,
                "{:.1f} MB (largest)",
            )
        )
    return section
