"""The abbreviation lists (wordlists/abbreviations/*.txt) feed the query-time synonyms of the
search function: every line has the list format, no form is claimed twice, nothing expands a
stopword, and every line reaches the shipped synonym table."""

from __future__ import annotations

import re

import pytest
from cariberita.index.wordlists import folder, read, read_folder
from cariberita.search.synonyms import fold, shipped

KINDS = folder("abbreviations")
FORM = r"[a-z0-9]+(?: [a-z0-9]+)*"
LINE = re.compile(rf"^{FORM}(?:, {FORM})+$")
# The 24 pairs of the first list (acronyms.txt): they must keep working.
FIRST_PAIRS = [
    ("pemkot", "pemerintah kota"),
    ("pemkab", "pemerintah kabupaten"),
    ("pemprov", "pemerintah provinsi"),
    ("pemda", "pemerintah daerah"),
    ("dpr", "dewan perwakilan rakyat"),
    ("dprd", "dewan perwakilan rakyat daerah"),
    ("kpk", "komisi pemberantasan korupsi"),
    ("asn", "aparatur sipil negara"),
    ("pns", "pegawai negeri sipil"),
    ("tni", "tentara nasional indonesia"),
    ("polri", "kepolisian negara republik indonesia"),
    ("kejagung", "kejaksaan agung"),
    ("bnn", "badan narkotika nasional"),
    ("bmkg", "badan meteorologi klimatologi dan geofisika"),
    ("ojk", "otoritas jasa keuangan"),
    ("bi", "bank indonesia"),
    ("kpu", "komisi pemilihan umum"),
    ("bawaslu", "badan pengawas pemilu"),
    ("pemilu", "pemilihan umum"),
    ("pilkada", "pemilihan kepala daerah"),
    ("apbn", "anggaran pendapatan dan belanja negara"),
    ("apbd", "anggaran pendapatan dan belanja daerah"),
    ("bpjs", "badan penyelenggara jaminan sosial"),
    ("umkm", "usaha mikro kecil dan menengah"),
]


def abbreviation_rules() -> tuple[str, ...]:
    return read_folder("abbreviations")


def forms(line: str) -> list[str]:
    return [form.strip() for form in line.split(",")]


def test_there_are_at_least_ten_kinds():
    assert len(KINDS) >= 10, KINDS


def test_there_are_at_least_1200_entries():
    assert len(abbreviation_rules()) >= 1200


def test_nicknames_of_clubs_and_places_have_kinds_of_their_own():
    assert {"abbreviations/klub.txt", "abbreviations/tempat.txt"} <= set(KINDS)


@pytest.mark.parametrize("name", KINDS)
def test_every_line_is_lowercase_ascii_forms_separated_by_commas(name):
    # Lower-case ASCII words and digits, single spaces, ", " between forms, at least two forms.
    assert [line for line in read(name) if not LINE.match(line)] == []


def test_no_form_is_claimed_by_two_lines_or_twice_by_one():
    # Two lines sharing a form would expand it to both lines but not each other (no transitivity).
    seen: dict[str, str] = {}
    repeated = []
    for line in abbreviation_rules():
        for form in forms(line):
            if form in seen:
                repeated.append((form, seen[form], line))
            seen[form] = line
    assert repeated == []


def test_no_form_is_a_stopword():
    stopwords = set(read("stopwords.txt"))
    assert [f for line in abbreviation_rules() for f in forms(line) if f in stopwords] == []


@pytest.mark.parametrize(("short", "full"), FIRST_PAIRS)
def test_the_first_list_still_pairs_its_acronyms(short, full):
    assert [line for line in abbreviation_rules() if {short, full} <= set(forms(line))] != []


def test_the_synonym_table_reads_every_kind():
    table = shipped()
    missing = [
        line
        for name in sorted(KINDS)
        for line in read(name)
        if any(not table.others(fold(form)) for form in forms(line))
    ]
    assert missing == []


@pytest.mark.parametrize(
    ("typed", "written"),
    [
        ("btp", "basuki tjahaja purnama"),  # a third form on an old line
        ("bu mega", "megawati soekarnoputri"),
        ("greyap", "greysia polii apriyani rahayu"),  # a pair as news writes it, slash gone
        ("macan kemayoran", "persija"),
        ("the gunners", "arsenal"),
        ("nyonya tua", "juventus"),
        ("kota kembang", "bandung"),
        ("yogya", "yogyakarta"),
        ("gunungkidul", "gunung kidul"),
        ("new zealand", "selandia baru"),
        ("bharada", "bhayangkara dua"),
        ("mapolda", "markas polda"),
        ("inkracht", "berkekuatan hukum tetap"),
        ("nobar", "nonton bareng"),
        ("zizou", "zidane"),  # the name news uses alone, on the nickname's line
        ("smi", "sri mulyani"),
        ("bvb", "dortmund"),
    ],
)
def test_the_table_expands_nicknames_and_short_forms_both_ways(typed, written):
    table = shipped()
    assert written in table.others(fold(typed))
    assert typed in table.others(fold(written))


@pytest.mark.parametrize(
    "form",
    [
        "madrid",  # Real or Atletico
        "milan",  # AC or Inter
        "united",  # half the Premier League
        "solo",  # also "album solo"
        "malang",  # also "unlucky"
        "jojo",  # mostly other people in the corpus
        "tasik",  # also Malay "lake"
        "atleti",  # stems to "atlet"
        "permendagri",  # stems to the minister
        "garuda muda",  # three age groups
        "yudhoyono",  # SBY, AHY, Ibas and Ani
        "muhaimin",  # alone, other men in the corpus
        "fals",  # also "out of tune"
        "roma",  # also Rome
    ],
)
def test_an_ambiguous_form_stays_out(form):
    # Each file's header says why; a form here would expand into articles on something else.
    assert shipped().others(fold(form)) == ()
