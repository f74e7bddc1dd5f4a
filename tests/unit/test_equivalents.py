"""The everyday-word lists (wordlists/equivalents/*.txt) feed the query-time synonyms of the
search function: every line has the list format, each file says where it came from, no form is
claimed twice (within the lists or by an abbreviation), no form is a stopword, and every line
reaches the shipped synonym table."""

from __future__ import annotations

import re
from collections.abc import Iterable

import pytest
from cariberita.index.wordlists import folder, read, read_folder
from cariberita.search.synonyms import fold, shipped

KINDS = folder("equivalents")
FORM = r"[a-z0-9]+(?: [a-z0-9]+)*"
LINE = re.compile(rf"^{FORM}(?:, {FORM})+$")


def forms(line: str) -> list[str]:
    return [form.strip() for form in line.split(",")]


def equivalent_rules() -> tuple[str, ...]:
    return read_folder("equivalents")


def repeated_forms(lines: Iterable[str]) -> list[tuple[str, str, str]]:
    """(form, first line, later line) for every form a second line (or the same one) claims."""
    seen: dict[str, str] = {}
    repeated = []
    for line in lines:
        for form in forms(line):
            if form in seen:
                repeated.append((form, seen[form], line))
            seen[form] = line
    return repeated


def test_the_four_kinds_are_there():
    names = {name.rsplit("/", 1)[-1] for name in KINDS}
    assert {"cakapan.txt", "sinonim.txt", "serapan.txt", "ejaan.txt"} <= names


def test_there_are_at_least_300_lines():
    assert len(equivalent_rules()) >= 300


@pytest.mark.parametrize("name", KINDS)
def test_every_line_is_lowercase_ascii_forms_separated_by_commas(name):
    # Lower-case ASCII words and digits, single spaces, ", " between forms, at least two forms.
    assert [line for line in read(name) if not LINE.match(line)] == []


@pytest.mark.parametrize(
    "bad", ["Nonton, menonton", "nonton,menonton", "nonton", "nonton,  menonton", "jum'at, jumat"]
)
def test_the_line_format_rejects(bad):
    assert not LINE.match(bad)


def test_no_form_is_claimed_by_two_lines_or_twice_by_one():
    # The table would merge two lines sharing a form: write them as one line instead.
    assert repeated_forms(equivalent_rules()) == []


def test_no_form_is_also_an_abbreviation_form():
    # A form in both lists would silently join an everyday word to an abbreviation's group.
    abbreviations = {form for line in read_folder("abbreviations") for form in forms(line)}
    clashes = [f for line in equivalent_rules() for f in forms(line) if f in abbreviations]
    assert clashes == []


def test_a_repeat_is_found_across_lines_and_within_one():
    assert repeated_forms(["duit, uang", "uang, fulus", "gede, besar, gede"]) == [
        ("uang", "duit, uang", "uang, fulus"),
        ("gede", "gede, besar, gede", "gede, besar, gede"),
    ]


def test_no_form_is_a_stopword():
    stopwords = set(read("stopwords.txt"))
    assert [f for line in equivalent_rules() for f in forms(line) if f in stopwords] == []


def test_no_form_is_made_of_stopwords_only():
    # Such a form would reach the search as nothing once the analysis drops its words.
    stopwords = set(read("stopwords.txt"))
    hollow = [f for line in equivalent_rules() for f in forms(line) if set(f.split()) <= stopwords]
    assert hollow == []


def test_the_synonym_table_reads_every_kind():
    table = shipped()
    missing = [
        line
        for line in equivalent_rules()
        if any(not table.others(fold(form)) for form in forms(line))
    ]
    assert missing == []


@pytest.mark.parametrize(
    ("typed", "written"),
    [
        ("nonton", "menonton"),
        ("duit", "uang"),
        ("hoax", "hoaks"),
        ("online", "daring"),
        ("resiko", "risiko"),
        ("wafat", "meninggal"),
        ("warganet", "netizen"),
        ("tik tok", "tiktok"),
        ("outsourcing", "alih daya"),
    ],
)
def test_the_table_expands_both_ways(typed, written):
    table = shipped()
    assert written in table.others(fold(typed))
    assert typed in table.others(fold(written))
