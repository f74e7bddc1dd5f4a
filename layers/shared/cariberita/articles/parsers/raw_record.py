"""What every parser yields: one raw record (or why it could not be read) and its position."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

Unit = Literal["line", "row", "item", "page"]
# Why reading stopped before the end of the object: the content broke off (a syntax error a
# JSON array cannot resync after, a truncated gzip) or the object is over a per-object cap.
Stop = Literal["incomplete", "over_limit"]


@dataclass(frozen=True)
class RawRecord:
    """A decoded record at ``unit`` number ``position`` (1-based), or ``error`` if undecodable.

    A record with ``stop`` set is the last one: reading ended there (``error`` says why) and
    nothing after it in the object is read.
    """

    unit: Unit
    position: int
    data: Any = None
    error: str | None = None
    stop: Stop | None = None
