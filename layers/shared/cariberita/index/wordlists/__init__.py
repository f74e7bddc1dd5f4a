"""Readable word lists shipped with the package; see README.md beside them for their origin."""

from __future__ import annotations

from functools import cache
from importlib.resources import files


@cache
def read(name: str) -> tuple[str, ...]:
    """Entries of a word list: one per line, ``#`` comments and blank lines ignored.

    ``name`` may name a list in a folder: ``abbreviations/lembaga.txt``.
    """
    text = files(__package__).joinpath(*name.split("/")).read_text(encoding="utf-8")
    lines = (line.split("#", 1)[0].strip() for line in text.splitlines())
    return tuple(line for line in lines if line)


@cache
def folder(name: str) -> tuple[str, ...]:
    """Names (``folder/file.txt``) of the ``.txt`` lists in a folder of lists, sorted by name."""
    entries = files(__package__).joinpath(name).iterdir()
    return tuple(sorted(f"{name}/{e.name}" for e in entries if e.name.endswith(".txt")))


@cache
def read_folder(name: str) -> tuple[str, ...]:
    """Entries of every list in a folder, file after file in name order."""
    return tuple(entry for path in folder(name) for entry in read(path))
