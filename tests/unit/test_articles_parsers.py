"""Every upload format parses to the same articles; streams are bounded and gzip is transparent."""

from __future__ import annotations

import gzip
import io
import json

import pytest
from cariberita.articles import article_from_record, to_document
from cariberita.articles.parsers import (
    Limits,
    OverLimit,
    UnparseableObject,
    detect_format,
    open_records,
)
from cariberita.articles.parsers.htmlpage import FEED_CHARS, parse_html_page
from cariberita.articles.parsers.reading import parse_records
from cariberita.articles.parsers.stream import ByteStream
from cariberita.articles.parsers.textpage import CHECK_ROWS, parse_text_page, split_author

from tests.support.deadline_checks import CountingCheck, TimeUp
from tests.support.paths import SAMPLES


def documents(data: bytes, name: str, limits: Limits | None = None) -> list[dict]:
    _, _, records = open_records(io.BytesIO(data), name, limits)
    docs = []
    for record in records:
        assert record.error is None, record
        doc = to_document(article_from_record(record.data), "b/k")
        doc.pop("ingested_at")
        docs.append(doc)
    return docs


def test_ndjson_json_and_csv_samples_yield_identical_documents():
    ndjson = documents((SAMPLES / "batch-berita.ndjson").read_bytes(), "a.ndjson")
    assert len(ndjson) == 24
    assert documents((SAMPLES / "batch-berita.json").read_bytes(), "a.json") == ndjson
    assert documents((SAMPLES / "batch-berita.csv").read_bytes(), "a.csv") == ndjson


@pytest.mark.parametrize(
    "sample", ["batch-berita.ndjson", "batch-berita.csv", "halaman-mentah.txt", "halaman.html"]
)
def test_gzip_is_detected_by_content_and_gives_the_same_documents(sample):
    data = (SAMPLES / sample).read_bytes()
    assert documents(gzip.compress(data), sample + ".gz") == documents(data, sample)


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (b'{"title": "a"}\n{"title": "b"}\n', "ndjson"),
        (b'{"title": "a", "body": "b"}', "json"),
        (b'{\n  "articles": []\n}', "json"),
        (b"[{}]", "json"),
        (b"title;body\nA;B\n", "csv"),
        (b"<!DOCTYPE html><html>", "html"),
        (b"Home / BERITA\n\nSenin, 19 Februari 2024 - 20:04 WIB\n", "text"),
    ],
)
def test_format_is_sniffed_when_the_extension_says_nothing(head, expected):
    assert detect_format("uploads/tanpa-ekstensi", head) == expected


def test_raw_text_page_sample_is_read_like_the_real_one():
    (doc,) = documents((SAMPLES / "halaman-mentah.txt").read_bytes(), "halaman-mentah.txt")
    assert doc["title"].startswith("Pemkot Malang Raih Predikat Pelayanan Publik Terbaik")
    assert doc["published_at"] == "2024-03-12T15:45:00+07:00"
    assert doc["category"][:2] == ["BERITA UTAMA", "PEMERINTAHAN"]
    assert doc["author"] == "nurhayati"
    assert doc["body"].count("\n\n") == 3
    assert "Baca Juga" not in doc["body"] and "Polres Batu" not in doc["body"]


@pytest.mark.parametrize(
    ("paragraph", "text", "author"),
    [
        ("Selesai.(jekyridwan)", "Selesai.", "jekyridwan"),
        # "/red" is the desk (redaksi), not part of the name.
        ("Selesai. (Budi Santoso/red)", "Selesai.", "Budi Santoso"),
        ("Selesai. (ant/Rina Marlina)", "Selesai.", "Rina Marlina"),
        ("Nilainya naik (63,37)", "Nilainya naik (63,37)", None),
        ("Kata Wali Kota (Pemkot)", "Kata Wali Kota (Pemkot)", None),
        # Initials, agencies and markers are removed from the text but name nobody.
        ("Selesai. (jek)", "Selesai.", None),
        ("Selesai.(ant/dan)", "Selesai.", None),
        ("Selesai. (*)", "Selesai.", None),
        ("Selesai. (ADV)", "Selesai.", None),
        ("Selesai. (Antara)", "Selesai.", None),
        ("Selesai. (Bersambung)", "Selesai.", None),
    ],
)
def test_author_in_trailing_parentheses_only_after_a_finished_sentence(paragraph, text, author):
    assert split_author(paragraph) == (text, author)


def test_over_long_ndjson_line_is_rejected_and_its_neighbours_kept():
    data = b'{"title": "a", "body": "b"}\n' + b"x" * 5_000 + b'\n{"title": "c", "body": "d"}\n'
    _, _, records = open_records(io.BytesIO(data), "a.ndjson", Limits(max_record_bytes=1_000))
    got = [(r.position, r.error) for r in records]
    assert got == [(1, None), (2, "line longer than 1000 bytes"), (3, None)]


@pytest.mark.parametrize(
    "first", [b"[", b"[[[[", b"\x00" * 40, b"title,body"], ids=["bracket", "nested", "nuls", "csv"]
)
def test_a_bad_first_line_of_json_lines_is_rejected_alone_not_taken_for_another_format(first):
    good = b'{"title": "a", "body": "b"}\n'
    _, _, records = open_records(io.BytesIO(first + b"\n" + good * 3), "a.ndjson")
    got = [(r.position, r.error is None) for r in records]
    assert got == [(1, False), (2, True), (3, True), (4, True)]


def test_semicolon_csv_with_bom_and_crlf_is_read():
    data = "\ufefftitle;body;tags\r\nJudul;Isi berita;a;\r\n".encode()
    _, _, records = open_records(io.BytesIO(data), "a.csv")
    (record,) = [r for r in records]
    assert record.error == "row has more fields than the header"
    data = "\ufefftitle;body;tags\r\nJudul;Isi berita;a,b\r\n".encode()
    (doc,) = documents(data, "a.csv")
    assert doc["tags"] == ["a", "b"]


@pytest.mark.parametrize(
    ("data", "name", "reason"),
    [
        (b'[{"title": "a"', "a.json", "invalid JSON in item 1"),
        (b'{"articles": 5}', "a.json", "articles"),
        (b"judul,isi\n", "a.csv", "missing: title, body"),
        (b"\xff\xfe Judul", "a.txt", "not UTF-8"),
        (b"\xff\xfe\x00", "a.txt", "binary data"),
        (gzip.compress(b"{}\n" * 1000)[:20], "a.ndjson.gz", "gzip"),
        # content that contradicts its name (found by a review: each was a pile of rejects)
        (b'[\n  {\n    "title": "a",\n    "body": "b"\n  }\n]\n', "a.ndjson", "JSON array"),
        (b"id,title,body\nh-1,T,B\n", "a.ndjson", "content is CSV"),
        (b'{"title": "a", "body": "b"}\n', "a.csv", "content is JSON"),
        ('{"title": "a", "body": "b"}\n'.encode("utf-16"), "a.ndjson", "UTF-16"),
        ('{"title": "a", "body": "b"}\n'.encode("utf-16-le"), "a.ndjson", "UTF-16"),
        ("title,body\nJudul,Isi\n".encode("utf-16"), "a.csv", "UTF-16"),
        (gzip.compress(gzip.compress(b'{"title": "a", "body": "b"}\n')), "a.ndjson.gz", "once"),
    ],
)
def test_unreadable_objects_are_refused_with_a_reason(data, name, reason):
    with pytest.raises(UnparseableObject, match=reason):
        _, _, records = open_records(io.BytesIO(data), name)
        list(records)


def test_json_objects_over_the_limit_are_refused_pointing_to_ndjson():
    # One article object is read whole; an "articles" array is streamed (no document limit).
    data = json.dumps({"title": "a", "body": "b" * 2_000}).encode()
    with pytest.raises(OverLimit, match="NDJSON"):
        _, _, records = open_records(io.BytesIO(data), "a.json", Limits(max_document_bytes=1_000))
        list(records)


def test_a_json_array_is_streamed_item_by_item_and_an_oversized_item_is_skipped():
    items = [
        {"title": "a", "body": "b"},
        {"title": "x", "body": '\\"]}' * 2_000},
        {"title": "c", "body": "d"},
    ]
    data = json.dumps(items).encode()
    _, _, records = open_records(io.BytesIO(data), "a.json", Limits(max_record_bytes=1_000))
    got = [(r.position, r.error or r.data["title"]) for r in records]
    assert got == [(1, "a"), (2, "item larger than 1000 bytes"), (3, "c")]


@pytest.mark.parametrize(
    ("data", "name", "reason"),
    [
        (b'[{"title": "a", "body": "b"}, {"title": ', "a.json", "item 2"),
        (b'[{"title": "a", "body": "b"} {"title": "c"}]', "a.json", "after item 1"),
        (b'[{"title": "a", "body": "b"}] ekor', "a.json", "extra data"),
        (gzip.compress(b'{"title": "a", "body": "b"}\n' * 1000)[:-20], "a.ndjson.gz", "gzip"),
    ],
)
def test_a_broken_object_keeps_the_records_before_the_break_and_stops_there(data, name, reason):
    _, _, records = open_records(io.BytesIO(data), name)
    *read, last = list(records)
    assert read and all(r.data == {"title": "a", "body": "b"} for r in read)
    assert last.stop == "incomplete" and reason in last.error
    assert last.position == read[-1].position + 1


def test_an_object_over_the_record_cap_stops_at_the_first_record_over_it():
    data = b'{"title": "a", "body": "b"}\n' * 10
    _, _, records = open_records(io.BytesIO(data), "a.ndjson", Limits(max_records=4))
    got = [(r.position, r.stop) for r in records]
    assert got == [(1, None), (2, None), (3, None), (4, None), (5, "over_limit")]


def test_an_object_over_the_line_cap_stops_at_the_first_line_over_it():
    data = b'{"title": "a", "body": "b"}\n\n\n' * 3
    _, _, records = open_records(io.BytesIO(data), "a.ndjson", Limits(max_lines=5))
    got = [(r.position, r.stop, r.error) for r in records]
    assert got == [
        (1, None, None),
        (4, None, None),
        (6, "over_limit", "more than 5 lines in one object"),
    ]


LOOKALIKES = [
    "Foto bersama dilakukan usai acara, lalu warga pulang ke rumah masing-masing.",
    "Reporter: Apa yang membuat Anda bertahan di desa ini?",
    "Penulis: Pramoedya Ananta Toer menulis tetralogi itu di pengasingan.",
    "Editor: kesalahan kecil bisa berakibat fatal.",
    "Bagikan pengalamanmu kepada teman-teman di sekolah, kata guru itu.",
    "Petugas meminta warga baca juga aturan di papan pengumuman kelurahan.",
    "Baca juga buku panduan yang dibagikan petugas sebelum mendaftar.",
    "Halaman sekolah dipenuhi warga sejak pagi.",
    "Editor senior itu mengatakan redaksi akan memperbaiki kesalahan tersebut.",
    "Tag nama peserta dibagikan panitia di pintu masuk gedung.",
    "Iklan rokok dilarang dipasang di dekat sekolah dan tempat ibadah.",
    "Share kepemilikan pemerintah naik menjadi 51 persen tahun ini.",
    "Ilustrasi yang dipakai dalam kampanye itu menuai kritik warganet.",
    "Selanjutnya, panitia membagikan hadiah kepada pemenang lomba.",
]


def test_ordinary_paragraphs_that_look_like_page_furniture_stay_in_the_body():
    page = "\n\n".join(
        ["Home / DAERAH", "Senin, 19 Februari 2024 - 20:04 WIB", "Judul", *LOOKALIKES]
    )
    record = parse_text_page(page)
    assert record["body"].split("\n\n") == LOOKALIKES
    assert "author" not in record and "editor" not in record and "tags" not in record


NESTED_PAGE = "<html><body><article><h1>Judul</h1>" + "<ul><li>" * 40_000 + "x</article>"
SHORT_LINES_PAGE = "Judul\n" + "a\n\n" * 30_000


def test_an_html_page_is_parsed_with_the_deadline_checked_between_pieces():
    counted = CountingCheck()
    parse_html_page(NESTED_PAGE, counted)
    assert counted.calls >= len(NESTED_PAGE) // FEED_CHARS
    with pytest.raises(TimeUp):
        parse_html_page(NESTED_PAGE, CountingCheck(fail_at=3))


def test_a_text_page_is_read_with_the_deadline_checked_every_few_thousand_lines():
    counted = CountingCheck()
    parse_text_page(SHORT_LINES_PAGE, counted)
    assert counted.calls >= SHORT_LINES_PAGE.count("\n") // CHECK_ROWS


@pytest.mark.parametrize(("page", "name"), [(NESTED_PAGE, "a.html"), (SHORT_LINES_PAGE, "a.txt")])
def test_a_page_that_outruns_the_deadline_stops_while_it_is_parsed(page, name):
    data = page.encode()
    # One chunk: reading it costs three checks (sniff, end of sniff, end of read).
    stream = ByteStream(io.BytesIO(data), len(data) + 1, check=CountingCheck(fail_at=6))
    with pytest.raises(TimeUp):
        parse_records(stream, name)


def test_a_page_fed_in_pieces_keeps_every_run_of_text_whole():
    paragraphs = [f"Paragraf nomor {n} &amp; isinya tentang banjir." for n in range(3_000)]
    long_run = "Kata " * 30_000 + "&amp; akhir."  # one text run longer than a piece
    markup = (
        "<html><head><title>Judul halaman</title></head><body><article><h1>Judul</h1>"
        + "".join(f"<p>{p}</p>" for p in paragraphs)
        + f"<p>{long_run}</p></article></body></html>"
    )
    assert len(markup) > 3 * FEED_CHARS
    record = parse_html_page(markup, CountingCheck())
    expected = [p.replace("&amp;", "&") for p in paragraphs] + [long_run.replace("&amp;", "&")]
    assert record["title"] == "Judul"
    assert record["body"].split("\n\n") == [" ".join(p.split()) for p in expected]
