"""What every parser yields: one raw record (or why it could not be read) and its position."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

Unit = Literal["line", "row", "item", "page"]


@dataclass(frozen=True)
class RawRecord:
    """A decoded record at ``unit`` number ``position`` (1-based), or ``error`` if undecodable."""

    unit: Unit
    position: int
    data: Any = None
    error: str | None = None
