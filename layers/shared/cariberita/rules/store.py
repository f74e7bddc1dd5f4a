"""Where rule versions live: a small port, and an in-memory fake for unit tests.

Each apply or rollback adds a numbered version (never rewritten) and then moves the ``current``
pointer to it; the pointer holds a copy of that version, so a reader needs one ``get``.
"""

from __future__ import annotations

import threading
from dataclasses import asdict, dataclass, field
from typing import Any, Literal, Protocol

from cariberita.errors import CariBeritaError
from cariberita.index.form_weights import ArchiveWeights

Action = Literal["apply", "rollback"]


class RulesUnavailable(CariBeritaError):
    """The rules index cannot be read or written right now."""


@dataclass(frozen=True)
class StoredVersion:
    """One applied version: the validated rules and who applied them, when, from where."""

    version: int
    rules: dict[str, Any]
    applied_at: str
    applied_by: str
    action: Action = "apply"
    rolled_back_to: int | None = None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> StoredVersion:
        return cls(
            version=int(data["version"]),
            rules=dict(data.get("rules") or {}),
            applied_at=str(data.get("applied_at", "")),
            applied_by=str(data.get("applied_by", "")),
            action="rollback" if data.get("action") == "rollback" else "apply",
            rolled_back_to=data.get("rolled_back_to"),
        )

    def summary(self) -> dict[str, Any]:
        """The entry without the rules themselves, with their counts (for ``history``)."""
        out = {k: v for k, v in self.as_dict().items() if k != "rules"}
        out["counts"] = {k: len(v) for k, v in self.rules.items()}
        return out


class RulesStore(Protocol):
    def current(self) -> StoredVersion | None:
        """The version in force; None when rules were never applied. Raises RulesUnavailable."""
        ...

    def version(self, number: int) -> StoredVersion | None: ...

    def history(self, limit: int = 50) -> list[StoredVersion]:
        """The newest ``limit`` versions, newest first."""
        ...

    def latest_version(self) -> int:
        """The highest version number written (0 when none)."""
        ...

    def newest_from(self, origin: str) -> StoredVersion | None:
        """The newest version applied from ``origin`` (an S3 file, ``objects.AppliedObject``):
        its ``applied_by`` is ``origin``, or ``origin`` then ``?`` and the upload's details."""
        ...

    def add_version(self, entry: StoredVersion) -> bool:
        """Write a new version; False (nothing written) when that number already exists."""
        ...

    def set_current(self, entry: StoredVersion) -> None:
        """Point ``current`` at ``entry`` unless a newer version is already current."""
        ...


class FormWeightsStore(Protocol):
    """The archive's own form weights (``index.form_weights``), kept beside the rules."""

    def form_weights(self) -> ArchiveWeights | None:
        """The weights last saved; None when the archive was never weighed. Raises
        RulesUnavailable."""
        ...

    def save_form_weights(self, weights: ArchiveWeights) -> None:
        """Replace the saved weights."""
        ...


@dataclass
class InMemoryRulesStore:
    """``RulesStore`` in memory (unit tests; ``fail`` makes every call raise RulesUnavailable)."""

    versions: dict[int, StoredVersion] = field(default_factory=dict)
    pointer: StoredVersion | None = None
    weights: ArchiveWeights | None = None
    fail: bool = False
    reads: int = 0
    weight_reads: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def _check(self) -> None:
        if self.fail:
            raise RulesUnavailable("rules store down (fake)")

    def current(self) -> StoredVersion | None:
        self._check()
        self.reads += 1
        return self.pointer

    def version(self, number: int) -> StoredVersion | None:
        self._check()
        return self.versions.get(number)

    def history(self, limit: int = 50) -> list[StoredVersion]:
        self._check()
        return [self.versions[n] for n in sorted(self.versions, reverse=True)[:limit]]

    def latest_version(self) -> int:
        self._check()
        return max(self.versions, default=0)

    def newest_from(self, origin: str) -> StoredVersion | None:
        self._check()
        for number in sorted(self.versions, reverse=True):
            by = self.versions[number].applied_by
            if by == origin or by.startswith(f"{origin}?"):
                return self.versions[number]
        return None

    def add_version(self, entry: StoredVersion) -> bool:
        self._check()
        with self._lock:
            if entry.version in self.versions:
                return False
            self.versions[entry.version] = entry
            return True

    def set_current(self, entry: StoredVersion) -> None:
        self._check()
        with self._lock:
            if self.pointer is None or self.pointer.version < entry.version:
                self.pointer = entry

    def form_weights(self) -> ArchiveWeights | None:
        self._check()
        self.weight_reads += 1
        return self.weights

    def save_form_weights(self, weights: ArchiveWeights) -> None:
        self._check()
        self.weights = weights
