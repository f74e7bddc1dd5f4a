"""The product code type-checks under ``mypy --strict``, in the same command CI runs.

The shared package as one tree, then each function's ``app.py`` on its own: all three are
top-level modules named ``app`` (as Lambda loads them), so one mypy run cannot hold them.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FUNCTIONS = sorted(p.parent.name for p in (ROOT / "functions").glob("*/app.py"))


def _mypy(*targets: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "MYPYPATH": str(ROOT / "layers" / "shared")}
    return subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", *targets],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


def test_the_shared_package_is_strictly_typed():
    result = _mypy("layers/shared/cariberita")
    assert result.returncode == 0, result.stdout[-4000:]


@pytest.mark.parametrize("function", FUNCTIONS)
def test_each_function_is_strictly_typed(function):
    result = _mypy(f"functions/{function}/app.py")
    assert result.returncode == 0, result.stdout[-4000:]
