"""What a reindex, rollback or prune raises when it stops (index/reindex.py)."""

from __future__ import annotations

from cariberita.errors import CariBeritaError


class ReindexError(CariBeritaError):
    """A reindex or rollback stopped before the swap; the alias is where it was."""


class AliasMoved(ReindexError):
    """Another run moved the alias away from this run's source: this run stops, touches nothing."""


class WriteBlockLeft(ReindexError):
    """A run failed after write-blocking the live index, and lifting the block failed too."""

    def __init__(self, index: str, message: str) -> None:
        super().__init__(message)
        self.index = index
