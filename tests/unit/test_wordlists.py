"""The analysis word lists parse, hold no duplicates and keep their documented forms (the
abbreviation lists: test_abbreviations.py); the generator of stem_overrides_generated.txt
applies Indonesian affix rules correctly."""

from __future__ import annotations

import importlib.util
import re
from importlib.resources import files
from pathlib import Path

import pytest
from cariberita.index.analysis import analysis_settings, stem_override_rules
from cariberita.index.wordlists import read

LISTS = (
    "stopwords.txt",
    "protected.txt",
    "roots.txt",
    "stem_overrides.txt",
    "stem_overrides_generated.txt",
)
WORD = re.compile(r"^[a-z]+$")
OVERRIDE = re.compile(r"^[a-z]+ => [a-z]+$")


@pytest.mark.parametrize("name", LISTS)
def test_list_parses_and_is_not_empty(name):
    # One entry per line that is not blank or a comment, none of them empty or padded.
    text = files("cariberita.index.wordlists").joinpath(name).read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if line.strip() and not line.startswith("#")]
    entries = read(name)
    assert len(entries) == len(lines) >= 10
    assert all(entry and entry == entry.strip() for entry in entries)


@pytest.mark.parametrize("name", LISTS)
def test_list_starts_with_a_header_comment_on_its_origin(name):
    text = files("cariberita.index.wordlists").joinpath(name).read_text(encoding="utf-8")
    header = "".join(line for line in text.splitlines() if line.startswith("#"))
    assert text.startswith("#") and "origin" in header.lower()


@pytest.mark.parametrize("name", LISTS)
def test_list_has_no_duplicate_entries(name):
    entries = read(name)
    duplicates = sorted({entry for entry in entries if entries.count(entry) > 1})
    assert duplicates == []


@pytest.mark.parametrize("name", ["stopwords.txt", "protected.txt", "roots.txt"])
def test_word_list_entries_are_single_lowercase_ascii_words(name):
    # Lists are matched after lowercase + asciifolding, so anything else could never match.
    assert [entry for entry in read(name) if not WORD.match(entry)] == []


@pytest.mark.parametrize("name", ["stem_overrides.txt", "stem_overrides_generated.txt"])
def test_every_override_line_has_the_word_arrow_stem_form(name):
    assert [rule for rule in read(name) if not OVERRIDE.match(rule)] == []


def test_no_word_is_overridden_twice_across_override_files():
    words = [rule.split(" => ")[0] for rule in stem_override_rules()]
    assert sorted({w for w in words if words.count(w) > 1}) == []


def test_protected_words_are_not_also_overridden_or_stopwords():
    # keyword_marker runs first, so an override of a protected word would silently never apply.
    protected = set(read("protected.txt"))
    overridden = {rule.split(" => ")[0] for rule in stem_override_rules()}
    assert protected & overridden == set()
    assert protected & set(read("stopwords.txt")) == set()


@pytest.mark.parametrize("word", ["tidak", "bukan", "belum", "tanpa", "jangan", "lama", "baru"])
def test_negations_and_content_words_are_not_stopwords(word):
    assert word not in read("stopwords.txt")


def test_analysis_settings_carry_every_rule():
    filters = analysis_settings()["filter"]
    assert filters["id_stem_override"]["rules"] == stem_override_rules()
    assert filters["id_protected"]["keywords"] == list(read("protected.txt"))


# --- the generator (tools/scripts/gen-stem-overrides.py) ------------------------------------------

SCRIPT = Path(__file__).resolve().parents[2] / "tools" / "scripts" / "gen-stem-overrides.py"


@pytest.fixture(scope="module")
def generator():
    spec = importlib.util.spec_from_file_location("gen_stem_overrides", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize(
    ("root", "me_forms"),
    [
        ("tulis", ["menulis", "mentulis"]),  # t drops (mentulis: the unassimilated variant)
        ("pilih", ["memilih", "mempilih"]),  # p drops
        ("kirim", ["mengirim", "mengkirim"]),  # k drops
        ("sebut", ["menyebut", "mensebut"]),  # s drops
        ("ambil", ["mengambil"]),
        ("beli", ["membeli"]),
        ("dapat", ["mendapat"]),
        ("gugat", ["menggugat"]),
        ("lapor", ["melapor"]),
        ("nikah", ["menikah"]),
        ("bom", ["mengebom"]),  # one syllable: menge-
        ("kritik", ["mengkritik"]),  # consonant cluster: nothing drops
        ("proses", ["memproses"]),
    ],
)
def test_men_prefix_assimilates_to_the_root(generator, root, me_forms):
    assert generator.nasal("me", root) == me_forms


@pytest.mark.parametrize(
    ("root", "form"),
    [
        ("tulis", "penulis"),
        ("pilih", "pemilihan"),
        ("kirim", "pengiriman"),
        ("bakar", "kebakaran"),
        ("tangkap", "ditangkapnya"),
        ("rebut", "berebut"),  # ber- loses its r before r
        ("rekam", "terekam"),
        ("pimpin", "kepemimpinan"),
        ("baik", "memperbaiki"),
    ],
)
def test_family_contains_the_affixed_form(generator, root, form):
    assert form in generator.family(root)


@pytest.mark.parametrize(("word", "count"), [("naik", 2), ("kuat", 2), ("pantai", 2), ("bom", 1)])
def test_syllables_count_final_diphthongs_once(generator, word, count):
    assert generator.syllables(word) == count
