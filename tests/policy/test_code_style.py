"""The house style is checked with the tests, so a style slip fails the same command CI runs."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _ruff(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ruff", *args], cwd=ROOT, capture_output=True, text=True, timeout=120
    )


def test_ruff_finds_nothing():
    result = _ruff("check", ".", "--no-cache")
    assert result.returncode == 0, result.stdout[-4000:]


def test_code_is_formatted():
    result = _ruff("format", "--check", ".", "--no-cache")
    assert result.returncode == 0, result.stdout[-4000:]
