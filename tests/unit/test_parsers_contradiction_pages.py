"""Content read as one page that is not a page is refused, whatever the extension says.

Found by a review: a CSV saved as ``.txt``, a tab-separated ``.tsv`` (an extension we do not
know, so the content is sniffed and falls back to a page) and a UTF-16 TSV without a BOM were
each indexed as one garbage article titled by the header row.
"""

from __future__ import annotations

import io

import pytest
from cariberita.articles.parsers import UnparseableObject, open_records

from tests.support.paths import ROOT, SAMPLES

BATCH_CSV = (SAMPLES / "batch-berita.csv").read_bytes()
PAGES = sorted(
    path
    for path in (ROOT / "tests" / "fixtures" / "pages").iterdir()
    if path.suffix in (".txt", ".html")
)


def refusal(data: bytes, name: str) -> str:
    with pytest.raises(UnparseableObject) as caught:
        _, _, records = open_records(io.BytesIO(data), name)
        list(records)
    return str(caught.value)


@pytest.mark.parametrize("name", ["batch.txt", "batch.text", "batch.html"])
def test_a_csv_batch_named_as_a_page_is_refused_pointing_to_csv(name):
    reason = refusal(BATCH_CSV, name)
    assert "the content is CSV" in reason
    assert "name the file .csv" in reason


@pytest.mark.parametrize("name", ["batch.dat", "batch"])
def test_a_csv_batch_under_an_unknown_extension_is_still_read_as_csv(name):
    _, fmt, records = open_records(io.BytesIO(BATCH_CSV), name)
    assert fmt == "csv"
    assert len(list(records)) == 24


@pytest.mark.parametrize("name", ["batch.tsv", "batch.txt", "batch"])
def test_a_tab_separated_batch_read_as_a_page_is_refused_pointing_to_csv(name):
    data = b"id\ttitle\tbody\tpublished_at\nb-1\tJudul\tIsi berita.\t2024-03-01\n"
    reason = refusal(data, name)
    assert "tab-separated" in reason
    assert "save it as CSV" in reason


@pytest.mark.parametrize(
    "header",
    [
        b'"title";"body"',  # quoted, semicolons
        b"\xef\xbb\xbf\n\nTitle , Body",  # BOM, blank lines, case, spaces
        b"id,title,body,category\r",  # Excel's Mac CSV: a bare CR ends the line
        b"title,body,sumber,penulis,foto,kanal",  # title and body among other columns
        b"id,published_at,url",  # no title or body, but every cell a field
    ],
)
def test_a_header_naming_article_fields_is_a_table_not_a_page(header):
    assert "the content is CSV" in refusal(header + b"\nJudul,Isi\n", "batch.txt")


def test_a_utf16_tsv_without_bom_under_an_unknown_extension_is_refused_as_utf16():
    data = "id\ttitle\tbody\nb-1\tJudul\tIsi berita.\n".encode("utf-16-le")
    assert "UTF-16" in refusal(data, "batch.tsv")


@pytest.mark.parametrize("name", ["batch.dat", "batch", "batch.ndjson.bak"])
def test_utf16_json_lines_under_an_unknown_extension_are_refused_as_utf16(name):
    data = '{"title": "a", "body": "b"}\n{"title": "c", "body": "d"}\n'.encode("utf-16-le")
    assert "UTF-16" in refusal(data, name)


@pytest.mark.parametrize("name", ["batch.xlsx", "batch.bin", "batch"])
def test_binary_data_under_an_unknown_extension_is_refused(name):
    data = b"PK\x03\x04\x14\x00\x06\x00\x08\x00" + bytes(range(256)) * 4
    assert "binary data" in refusal(data, name)


@pytest.mark.parametrize(
    "first",
    [
        "Home / BERITA UTAMA / HUKRIM",
        "Judul, Isi, dan Kategori: Cara Menulis Berita",
        "Penulis, Editor dan Fotografer Mogok",
        "Title, body and soul",  # one cell is a field name, not two
        "Senin, 19 Februari 2024 - 20:04 WIB",
    ],
)
def test_a_raw_page_whose_first_line_has_separators_is_still_a_page(first):
    page = f"{first}\n\nPemkot Malang Raih Predikat\n\nIsi berita yang panjang sekali.\n"
    _, fmt, records = open_records(io.BytesIO(page.encode()), "halaman.txt")
    (record,) = list(records)
    assert (fmt, record.error) == ("text", None)


@pytest.mark.parametrize(
    "path",
    [SAMPLES / "halaman-mentah.txt", SAMPLES / "halaman.html", *PAGES],
    ids=lambda path: path.name,
)
def test_every_sample_page_is_still_read_as_one_page(path):
    _, fmt, records = open_records(io.BytesIO(path.read_bytes()), path.name)
    (record,) = list(records)
    assert fmt in ("text", "html")
    assert record.error is None and record.data["title"]


def test_a_page_under_an_unknown_extension_is_still_read_as_one_page():
    data = (SAMPLES / "halaman-mentah.txt").read_bytes()
    _, fmt, records = open_records(io.BytesIO(data), "halaman.page")
    assert fmt == "text"
    assert len(list(records)) == 1


def test_the_header_rule_knows_every_field_of_the_article_contract():
    # formats.py keeps its own list so the parsers stay free of the model; this holds the two
    # together (a new field in the contract is a header name the rule must know).
    from cariberita.articles.model import Article
    from cariberita.articles.parsers.fields import ARTICLE_FIELDS

    names = {name for name in Article.model_fields} | {
        f.alias for f in Article.model_fields.values() if f.alias
    }
    assert names <= ARTICLE_FIELDS
