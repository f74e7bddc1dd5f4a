"""The shipped generated overrides are what the generator makes of today's word lists.

Someone who edits roots.txt, protected.txt or stem_overrides.txt and forgets to rerun
tools/scripts/gen-stem-overrides.py gets this failure instead of silently stale rules.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

from cariberita.index.wordlists import read

SCRIPT = Path(__file__).resolve().parents[2] / "tools" / "scripts" / "gen-stem-overrides.py"


def test_generated_overrides_are_current(opensearch_endpoint):
    spec = importlib.util.spec_from_file_location("gen_stem_overrides", SCRIPT)
    generator = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(generator)
    rules, _ = generator.generate(opensearch_endpoint.rstrip("/"))
    assert list(read("stem_overrides_generated.txt")) == rules, (
        "rerun: .venv/bin/python tools/scripts/gen-stem-overrides.py"
    )
