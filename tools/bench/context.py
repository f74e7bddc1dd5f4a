"""What every benchmark of one run shares: profile, corpus, node, local S3, and cleanup."""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.profile import Profile


def created_under(client: Any, alias_or_index: str) -> list[str]:
    """The indices behind a name (its alias targets, else itself) and the side indexes ingest
    keeps beside an alias (upload records and leases, tombstones, editors' rules)."""
    from cariberita.index.manager import aliased_indices
    from cariberita.ingest.opensearch_indexes import tombstones_index, uploads_index
    from cariberita.rules.opensearch_store import rules_index

    names = list(aliased_indices(client, alias_or_index) or (alias_or_index,))
    side = (uploads_index, tombstones_index, rules_index)
    return names + [index(alias_or_index) for index in side]


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
        """Delete what we created under this name (alias targets and ingest's side indexes
        too) at the end of the run."""

        def drop() -> None:
            for name in created_under(self.client, alias_or_index):
                if name.startswith("bench-"):
                    self.client.indices.delete(index=name, ignore_unavailable=True)

        self.on_exit(drop)
