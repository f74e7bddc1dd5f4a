"""Synonym discovery on short texts written for these tests (fictional people and places)."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest
from cariberita import admin
from cariberita.index.synonym_discovery import (
    Evidence,
    abbreviates,
    extract,
    fold,
    rules_document,
    shipped_pairs,
)
from cariberita.index.wordlists import read


def pairs(text: str) -> set[tuple[str, str, str]]:
    return {(c.short, c.long, c.kind) for c in extract(text)}


def evidence(*texts: str) -> Evidence:
    found = Evidence()
    for number, text in enumerate(texts, 1):
        found.add(f"a{number}", text)
    return found


# --- the abbreviation check -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("short", "long"),
    [
        ("dinsos", "dinas sosial"),
        ("kemenkes", "kementerian kesehatan"),
        ("jateng", "jawa tengah"),
        ("bpbd", "badan penanggulangan bencana daerah"),
        ("bmkg", "badan meteorologi klimatologi dan geofisika"),
        ("satgas", "satuan tugas"),  # a final syllable: tu-GAS
        ("bawaslu", "badan pengawas pemilu"),
    ],
)
def test_abbreviation_check_accepts_initials_and_syllables(short, long):
    assert abbreviates(short, long.split())


@pytest.mark.parametrize(
    ("short", "long"),
    [
        ("ktp", "dinas sosial"),
        ("jabar", "jawa tengah"),
        ("dinsos", "dinas"),  # one word is not an expansion
        ("dinsoss", "dinas sosial"),
        ("dinas", "dinas sosial"),  # a word of the expansion
        ("dinsosbud", "dinas sosial"),  # every letter comes from a word
        ("sosdin", "dinas sosial"),  # in order
        ("dkb", "dan kota baru"),  # a connector cannot start it
    ],
)
def test_abbreviation_check_rejects(short, long):
    assert not abbreviates(short, long.split())


def test_fold_lowers_strips_accents_and_spaces():
    assert fold("  Dinas   Sosial\u00a0Émbong ") == "dinas sosial embong"


# --- the patterns ---------------------------------------------------------------------------


def test_expansion_then_abbreviation_in_parentheses():
    text = "Petugas Dinas Sosial (Dinsos) Kota Lumbung membagikan beras."
    assert pairs(text) == {("dinsos", "dinas sosial", "abbreviation")}


def test_abbreviation_then_expansion_in_parentheses():
    text = "Menurut data Dinsos (Dinas Sosial) Kota Lumbung, warga miskin berkurang."
    assert pairs(text) == {("dinsos", "dinas sosial", "abbreviation")}


def test_initials_take_the_shortest_expansion_that_fits():
    text = "Kepala Badan Penanggulangan Bencana Daerah (BPBD) Lumbung meninjau tanggul."
    assert pairs(text) == {("bpbd", "badan penanggulangan bencana daerah", "abbreviation")}


def test_a_title_before_the_expansion_stays_out():
    text = "Gubernur Jawa Tengah (Jateng) Budi Laksana Wiratama meresmikan pasar."
    assert pairs(text) == {("jateng", "jawa tengah", "abbreviation")}


def test_a_title_followed_by_a_rank_is_no_pair():
    text = "Kapolres Lumbung, AKBP Wira Tama Adinata, memimpin apel pagi."
    assert pairs(text) == set()


def test_parentheses_that_do_not_abbreviate_give_nothing():
    text = "Kartu Tanda Penduduk (KK) dan Dinas Sosial (KTP) tertukar di berkas."
    assert pairs(text) == set()


def test_alias_names_a_nickname():
    text = "Polisi menangkap Rudi Hartono Saputra alias Ucok di terminal."
    assert pairs(text) == {("ucok", "rudi hartono saputra", "nickname")}


@pytest.mark.parametrize(
    "marker", ["atau yang akrab disapa", "yang akrab disapa", "atau yang biasa dipanggil"]
)
def test_akrab_disapa_names_a_nickname(marker):
    text = f"Penyanyi Siti Aminah Lestari, {marker} Ami, merilis lagu baru."
    assert pairs(text) == {("ami", "siti aminah lestari", "nickname")}


def test_nickname_in_parentheses_after_a_full_name():
    text = "Pelatih menurunkan Bambang Sulistyo Wibowo (Bamsul) sejak menit pertama."
    assert pairs(text) == {("bamsul", "bambang sulistyo wibowo", "nickname")}


def test_a_word_in_parentheses_unlike_the_name_is_no_nickname():
    text = "Lukisan karya Dewi Kartika Sari (Pelukis) dipamerkan di galeri."
    assert pairs(text) == set()


# --- scoring --------------------------------------------------------------------------------


def test_frequency_counts_articles_not_mentions():
    found = evidence(
        "Dinas Sosial (Dinsos) buka posko. Dinas Sosial (Dinsos) juga membagi beras.",
        "Dinsos (Dinas Sosial) menambah petugas.",
    ).results()
    assert [(d.short, d.long, d.articles, d.consistency) for d in found] == [
        ("dinsos", "dinas sosial", 2, 1.0)
    ]


def test_a_pair_seen_in_too_few_articles_is_left_out():
    assert evidence("Dinas Sosial (Dinsos) buka posko.").results(min_articles=2) == []


def test_consistency_is_the_share_of_the_short_forms_pairs():
    texts = ["Pedagang Kaki Lima (PKL) berjualan."] * 4 + ["Praktik Kerja Lapangan (PKL) usai."]
    found = evidence(*texts).results(min_consistency=0.8)
    assert [(d.long, d.consistency, d.ambiguous) for d in found] == [
        ("pedagang kaki lima", 0.8, False)
    ]
    assert evidence(*texts).results(min_consistency=0.81) == []


def test_a_short_form_with_two_meanings_is_dropped_or_flagged():
    texts = ["Pedagang Kaki Lima (PKL) berjualan."] * 3 + ["Praktik Kerja Lapangan (PKL) usai."] * 3
    assert evidence(*texts).results() == []
    found = evidence(*texts).results(min_consistency=0.5)
    assert {d.long for d in found} == {"pedagang kaki lima", "praktik kerja lapangan"}
    assert all(d.ambiguous for d in found)


def test_a_misspelt_expansion_counts_for_the_usual_one():
    texts = ["Taman Makam Pahlawan (TMP) ramai."] * 3 + ["Taman Makam Pahlwan (TMP) sepi."]
    (found,) = evidence(*texts).results()
    assert (found.long, found.articles, found.consistency) == ("taman makam pahlawan", 4, 1.0)
    assert found.variants == (("taman makam pahlwan", 1),)


def test_an_expansion_with_or_without_dan_is_one_expansion():
    texts = ["Teknologi Informasi dan Komunikasi (TIK) diajarkan."] * 2
    texts += ["Teknologi Informasi Komunikasi (TIK) diajarkan."] * 2
    (found,) = evidence(*texts).results()
    assert (found.articles, found.consistency, found.ambiguous) == (4, 1.0, False)


def test_the_most_frequent_spelling_leads_and_a_tie_goes_to_commoner_words():
    texts = ["Komite Nasional Lumbung Barat (KNLB) berdemo."] * 3
    texts += ["Komisi Nasional Lumbung Barat (KNLB) berdemo.", "Komisi, komisi, komisi."]
    (found,) = evidence(*texts).results()
    assert found.long == "komite nasional lumbung barat"
    assert found.variants == (("komisi nasional lumbung barat", 1),)
    texts = ["Penjabat Pembuat Komitmen (PPK) diperiksa."] * 2
    texts += ["Pejabat Pembuat Komitmen (PPK) diperiksa."] * 2 + ["Pejabat, pejabat hadir."]
    (found,) = evidence(*texts).results()
    assert found.long == "pejabat pembuat komitmen"
    assert found.forms(min_articles=2) == [
        "ppk",
        "pejabat pembuat komitmen",
        "penjabat pembuat komitmen",
    ]


def test_the_lower_case_share_of_the_short_form_is_kept_as_evidence():
    texts = ["Kota Lama (Kolam) ramai.", "Kota Lama (Kolam) sepi.", "Anak berenang di kolam."]
    (found,) = evidence(*texts).results()
    assert found.lower_case_share == round(1 / 3, 2)


def test_english_function_words_are_never_proposed():
    texts = ["Times Higher Education (THE) merilis peringkat."] * 2
    assert evidence(*texts).results() == []


def test_nicknames_need_more_articles_than_abbreviations():
    text = "Warga mengenal Rudi Hartono Saputra alias Ucok."
    assert evidence(text, text).results(min_articles=2) == []
    assert [d.short for d in evidence(text, text, text).results(min_articles=2)] == ["ucok"]


def test_stopwords_are_never_proposed():
    assert "ada" in read("stopwords.txt")
    texts = ["Asosiasi Dagang Asia (ADA) bertemu."] * 3
    assert evidence(*texts).results(skip_words=frozenset(read("stopwords.txt"))) == []
    assert [d.short for d in evidence(*texts).results()] == ["ada"]


def test_an_initialism_mostly_written_as_a_common_word_is_left_out():
    pairs_text = "Bantuan Operasional Sekolah (BOS) cair."
    common = "Sang bos marah. Bos itu pergi. Kata bos, libur."
    assert evidence(pairs_text, pairs_text).results()
    assert evidence(pairs_text, pairs_text, common, common).results() == []


def test_pairs_already_shipped_are_skipped_in_either_order():
    shipped = shipped_pairs(["dinsos, dinas sosial", "jateng, jawa tengah, jawa-tengah"])
    texts = ["Dinas Sosial (Dinsos) dan Jawa Tengah (Jateng)."] * 2
    assert evidence(*texts).results(shipped=shipped) == []
    assert ("jawa tengah", "jateng") in shipped


# --- output ---------------------------------------------------------------------------------


def test_rules_document_shape():
    texts = [
        "Dinas Sosial (Dinsos) buka posko.",
        "Kantor Dinsos (Dinas Sosial) tutup.",
        "Pedagang Kaki Lima (PKL) berjualan.",
        "Pedagang Kaki Lima (PKL) pindah.",
    ]
    document = rules_document(evidence(*texts).results(), limit=1)
    assert document["synonyms"] == [["dinsos", "dinas sosial"]]
    assert document["_discovered"] == [
        {
            "pair": ["dinsos", "dinas sosial"],
            "kind": "abbreviation",
            "articles": 2,
            "consistency": 1.0,
            "example_ids": ["a1", "a2"],
            "lower_case_share": 0.0,
        }
    ]
    json.dumps(document)  # plain JSON types only


# --- the command, offline --------------------------------------------------------------------


def test_command_writes_the_rules_file_from_an_ndjson_file(tmp_path: Path, capsys):
    articles = tmp_path / "articles.ndjson"
    rows = [
        {"id": "x1", "title": "Paguyuban Lumbung Sejahtera (Palus) rapat", "body": "Warga antre."},
        {"id": "x2", "title": "Banjir", "body": "Palus (Paguyuban Lumbung Sejahtera) membantu."},
        {"id": "x3", "title": "Pasar", "body": "Asosiasi Dagang Asia (ADA) bertemu."},
        {"id": "x4", "title": "Pasar", "body": "Asosiasi Dagang Asia (ADA) pulang."},
    ]
    articles.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    out = tmp_path / "rules.json"
    code = admin.main(["synonyms", "discover", "--from-file", str(articles), "--out", str(out)])
    assert code == 0
    written = json.loads(out.read_text(encoding="utf-8"))
    assert written["synonyms"] == [["palus", "paguyuban lumbung sejahtera"]]  # "ada": a stopword
    assert written["_discovered"][0]["example_ids"] == ["x1", "x2"]
    summary = json.loads(capsys.readouterr().out)
    # Offline: no rules in force were read (null), so apply guards against dropping them.
    assert summary == {"articles": 4, "proposed": 1, "based_on_version": None, "out": str(out)}


def test_command_reads_gzipped_files_and_honours_the_thresholds(tmp_path: Path, capsys):
    articles = tmp_path / "articles.jsonl.gz"
    rows = [{"id": f"g{n}", "title": "Paguyuban Lumbung Sejahtera (Palus)"} for n in range(3)]
    with gzip.open(articles, "wt", encoding="utf-8") as handle:
        handle.write("\n".join(json.dumps(r) for r in rows))
    argv = ["synonyms", "discover", "--from-file", str(articles), "--min-articles"]
    assert admin.main([*argv, "4"]) == 0
    assert json.loads(capsys.readouterr().out)["synonyms"] == []
    assert admin.main([*argv, "3"]) == 0
    assert json.loads(capsys.readouterr().out)["synonyms"] == [
        ["palus", "paguyuban lumbung sejahtera"]
    ]


@pytest.mark.parametrize("argv", [["synonyms"], ["status", "discover"]])
def test_discover_goes_with_synonyms_only(argv):
    with pytest.raises(SystemExit) as exc:
        admin.main(argv)
    assert exc.value.code == 2
