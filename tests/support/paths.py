"""Where the repository's folders are, for tests that read its files."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
EVENTS = ROOT / "events"
SAMPLES = ROOT / "samples"
FUNCTIONS = ROOT / "functions"
SCRIPTS = ROOT / "scripts"
