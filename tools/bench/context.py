"""What every benchmark of one run shares: profile, corpus, node, local S3, and cleanup."""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.profile import Profile

# What ingest creates beside an alias (cariberita.ingest): uploads, tombstones, editors' rules.
SIDE_INDEXES = ("uploads", "tombstones", "rules")


@dataclass
class Context:
    profile: Profile
    out_dir: Path
    endpoint: str
    client: Any
    corpus_file: Path
    articles: list[dict[str, Any]]
    s3: Any = None
    # Handed from one benchmark to the next, e.g. the corpus index the search benchmark reuses.
    state: dict[str, Any] = field(default_factory=dict)
    _cleanups: list[Callable[[], None]] = field(default_factory=list)

    def on_exit(self, action: Callable[[], None]) -> None:
        self._cleanups.append(action)

    def cleanup(self) -> None:
        while self._cleanups:
            action = self._cleanups.pop()
            try:
                action()
            except Exception as exc:
                print(f"[bench] cleanup failed: {exc}", file=sys.stderr)

    def drop_index_later(self, alias_or_index: str) -> None:
        """Delete what we created under this name (alias targets too) at the end of the run."""
        from cariberita.index.manager import aliased_indices

        def drop() -> None:
            names = aliased_indices(self.client, alias_or_index) or (alias_or_index,)
            # The ingest path keeps its bookkeeping in side indexes named after the alias.
            side = tuple(f"{alias_or_index}-{part}" for part in SIDE_INDEXES)
            for name in (*names, *side):
                if name.startswith("bench-"):
                    self.client.indices.delete(index=name, ignore_unavailable=True)

        self.on_exit(drop)
