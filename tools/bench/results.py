"""What a benchmark hands to the report: tables, targets, notes and the raw figures."""

from __future__ import annotations

import operator
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

_COMPARE: dict[str, Callable[[float, float], bool]] = {
    ">=": operator.ge,
    "<=": operator.le,
    "<": operator.lt,
    ">": operator.gt,
}


@dataclass
class Target:
    """A goal from the issue and whether this run met it (``None``: not measured)."""

    name: str
    goal: str
    measured: str
    met: bool | None

    @property
    def verdict(self) -> str:
        return {True: "met", False: "NOT met", None: "not measured"}[self.met]


def evaluate(
    name: str, goal: str, value: float | None, op: str, threshold: float, fmt: str = "{:.2f}"
) -> Target:
    """A target that compares ``value`` with ``threshold``; ``None`` means it was not measured."""
    if op not in _COMPARE:
        raise ValueError(f"unknown comparison {op!r}")
    if value is None:
        return Target(name, goal, "—", None)
    return Target(name, goal, fmt.format(value), _COMPARE[op](value, threshold))


@dataclass
class Table:
    columns: list[str]
    rows: list[list[Any]]
    caption: str = ""


@dataclass
class Section:
    """One benchmark's outcome; ``status`` is ok, skipped (with a reason) or failed."""

    key: str
    title: str
    status: str = "ok"
    reason: str = ""
    tables: list[Table] = field(default_factory=list)
    targets: list[Target] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    plots: list[str] = field(default_factory=list)
    raw: dict[str, Any] = field(default_factory=dict)
    seconds: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["targets"] = [{**asdict(t), "verdict": t.verdict} for t in self.targets]
        return data


def skipped(key: str, title: str, reason: str, targets: list[Target] | None = None) -> Section:
    return Section(key, title, status="skipped", reason=reason, targets=targets or [])


def section_from_dict(data: dict[str, Any]) -> Section:
    """A section back from benchmarks.json (to keep it when another benchmark is re-run)."""
    fields = dict(data)
    fields["tables"] = [Table(**t) for t in data.get("tables", [])]
    fields["targets"] = [
        Target(t["name"], t["goal"], t["measured"], t["met"]) for t in data.get("targets", [])
    ]
    return Section(**fields)
