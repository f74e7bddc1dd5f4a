"""Every kind file of the query-time synonym lists (abbreviations/, equivalents/) holds entries
and opens with a header on where its entries came from."""

from __future__ import annotations

from importlib.resources import files

import pytest
from cariberita.index.wordlists import folder, read

KINDS = [*folder("abbreviations"), *folder("equivalents")]


@pytest.mark.parametrize("name", KINDS)
def test_kind_file_is_not_empty(name):
    assert len(read(name)) > 0


@pytest.mark.parametrize("name", KINDS)
def test_kind_file_opens_with_its_origin(name):
    text = files("cariberita.index.wordlists").joinpath(*name.split("/")).read_text("utf-8")
    header = " ".join(line[1:].strip() for line in text.splitlines()[:8] if line.startswith("#"))
    assert text.startswith("#")
    assert "origin: our own list" in header.lower()
    assert "general knowledge of indonesian" in header.lower()
    assert "no dictionary copied" in header
