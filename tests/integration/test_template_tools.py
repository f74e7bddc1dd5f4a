"""The SAM CLI and checkov pass on the template, and `sam build` works without Docker.

These run the real tools from their own virtualenvs (.venv-tools/, installed on first use by
scripts/setup-tools.sh from PyPI); nothing here talks to AWS.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.support.sam_template import ROOT

TOOL_ENV = {**os.environ, "SAM_CLI_TELEMETRY": "0", "AWS_DEFAULT_REGION": "ap-southeast-3"}


def run(*command: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(part) for part in command],
        cwd=ROOT,
        env=TOOL_ENV,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )


def test_sam_validate_lint_and_checkov_find_nothing():
    proc = run(ROOT / "scripts" / "sam-template-check.sh")
    assert proc.returncode == 0, proc.stdout[-6000:] + proc.stderr[-6000:]
    assert "Failed checks: 0" in proc.stdout


def test_sam_build_makes_arm64_artifacts_within_lambda_limits(tmp_path):
    run(ROOT / "scripts" / "setup-tools.sh").check_returncode()
    build_dir = tmp_path / "build"
    proc = run(
        ROOT / ".venv-tools" / "sam" / "bin" / "sam", "build", "--template-file", "template.yaml",
        "--build-dir", build_dir, "--cache-dir", tmp_path / "cache",
    )  # fmt: skip
    assert proc.returncode == 0, proc.stdout[-6000:] + proc.stderr[-6000:]

    layer = build_dir / "SharedLayer" / "python"
    assert (layer / "cariberita" / "index" / "manager.py").is_file()
    assert list(layer.glob("pydantic_core/*cpython-312-aarch64-linux-gnu.so"))
    assert not (layer / "botocore").exists()  # the runtime provides it
    assert (build_dir / "BootstrapFunction" / "app.py").is_file()

    sizes = subprocess.run(
        [sys.executable, "scripts/package-sizes.py", "--build-dir", str(build_dir)],
        cwd=ROOT, capture_output=True, text=True, check=True,
    )  # fmt: skip
    report = json.loads(sizes.stdout)
    assert report["within_limit"] is True
    assert set(report["artifacts"]) >= {"SharedLayer", "IngestFunction", "SearchFunction"}
