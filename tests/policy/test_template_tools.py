"""The SAM CLI and checkov pass on the template, and `sam build` works without Docker.

These run the real tools from their own virtualenvs (.venv-tools/, installed on first use by
tools/scripts/setup-tools.sh from PyPI); nothing here talks to AWS.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

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
    proc = run(ROOT / "tools" / "scripts" / "sam-template-check.sh")
    assert proc.returncode == 0, proc.stdout[-6000:] + proc.stderr[-6000:]
    assert "Failed checks: 0" in proc.stdout


def test_sam_build_makes_arm64_artifacts_within_lambda_limits(tmp_path):
    run(ROOT / "tools" / "scripts" / "setup-tools.sh").check_returncode()
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
        [sys.executable, "tools/scripts/package-sizes.py", "--build-dir", str(build_dir)],
        cwd=ROOT, capture_output=True, text=True, check=True,
    )  # fmt: skip
    report = json.loads(sizes.stdout)
    assert report["within_limit"] is True
    assert set(report["artifacts"]) >= {"SharedLayer", "IngestFunction", "SearchFunction"}


def python312() -> str | None:
    """A CPython 3.12 on this machine (PATH or pyenv), to import the layer as Lambda would."""
    import glob
    import shutil

    found = shutil.which("python3.12")
    if found and subprocess.run([found, "-V"], capture_output=True, check=False).returncode == 0:
        return found
    candidates = sorted(glob.glob(os.path.expanduser("~/.pyenv/versions/3.12*/bin/python3.12")))
    return candidates[-1] if candidates else None


def test_the_layer_recipe_imports_every_handler_on_python_312(tmp_path):
    # Same Makefile, x86_64 wheels instead of aarch64 so this machine can import them; the
    # runtime's boto3/botocore come from .venv, appended after the layer like /var/runtime.
    interpreter = python312()
    if interpreter is None:
        pytest.skip("no CPython 3.12 here (pyenv install 3.12 to run this check)")
    platforms = "PLATFORMS=manylinux2014_x86_64 manylinux_2_28_x86_64"
    proc = run(
        "make",
        "-s",
        "-C",
        "layers/shared",
        "build-SharedLayer",
        f"ARTIFACTS_DIR={tmp_path}",
        platforms,
    )
    assert proc.returncode == 0, proc.stderr[-4000:]
    # Bytecode for the runtime's Python: /opt is read-only, so without it every cold start
    # compiles every module it imports.
    assert list((tmp_path / "python" / "cariberita").glob("__pycache__/*.cpython-312.pyc"))
    runtime = next((ROOT / ".venv" / "lib").glob("python3.*/site-packages"))
    script = f"""
import os, sys
sys.path[:0] = [{str(tmp_path / "python")!r}]
sys.path.append({str(runtime)!r})
sys.path.append({str(ROOT / "tools" / "local")!r})  # the one Lambda runtime helper, stdlib only
os.environ.update(POWERTOOLS_TRACE_DISABLED="1", AWS_REGION="ap-southeast-3",
    AWS_ACCESS_KEY_ID="x", AWS_SECRET_ACCESS_KEY="y", OPENSEARCH_AUTH="sigv4",
    OPENSEARCH_ENDPOINT="https://search-x.ap-southeast-3.es.amazonaws.com")
from cariberita.config import Settings
from cariberita.opensearch_client import build_client
build_client(Settings.from_env())
from cariberita_local.lambda_runtime import load_handler_module
for name in ("bootstrap", "ingest", "search"):
    assert load_handler_module(name).lambda_handler
import pydantic_core
print(pydantic_core.__file__)
"""
    proc = run(interpreter, "-I", "-c", script)
    assert proc.returncode == 0, proc.stderr[-4000:]
    assert str(tmp_path) in proc.stdout  # the layer's own compiled pydantic_core was used
