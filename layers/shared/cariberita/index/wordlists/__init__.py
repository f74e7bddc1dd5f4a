"""Readable word lists shipped with the package; see README.md beside them for their origin."""

from __future__ import annotations

from functools import cache
from importlib.resources import files


@cache
def read(name: str) -> tuple[str, ...]:
    """Entries of a word list: one per line, ``#`` comments and blank lines ignored."""
    text = files(__package__).joinpath(name).read_text(encoding="utf-8")
    lines = (line.split("#", 1)[0].strip() for line in text.splitlines())
    return tuple(line for line in lines if line)
