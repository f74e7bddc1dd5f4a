"""A CSV header that repeats a column is refused: each row would silently keep the last one.

Found by a review: ``title,body,title,published_at`` was accepted and indexed the third
column's text as the title. The rules parser refuses a repeated key for the same reason.
"""

from __future__ import annotations

import io

import pytest
from cariberita.articles.parsers import UnparseableObject, open_records


def rows(data: bytes) -> list[dict[str, str]]:
    _, _, records = open_records(io.BytesIO(data), "batch.csv")
    return [record.data for record in records]


@pytest.mark.parametrize(
    ("header", "repeated"),
    [
        (b"title,body,title,published_at", "title"),
        (b"Title;Body; TITLE ;published_at", "title"),  # compared as read: trimmed, lower-cased
        (b"id,title,body,id,url,url", "id, url"),
    ],
)
def test_a_header_repeating_a_column_refuses_the_object_naming_it(header, repeated):
    separator = b";" if b";" in header else b","
    data = header + b"\n" + separator.join([b"x"] * (header.count(separator) + 1)) + b"\n"
    with pytest.raises(UnparseableObject, match=f"more than once: {repeated};"):
        rows(data)


def test_blank_header_cells_may_repeat():
    # Spreadsheets export trailing separators as columns without a name.
    assert rows(b"title,body,,\nJudul,Isi,,\n") == [{"title": "Judul", "body": "Isi", "": ""}]


def test_a_repeated_column_the_contract_does_not_read_is_ignored():
    # An editor's own notes column twice: ingest never reads it, so nothing is lost either way
    # (refusing the object indexed none of its good rows).
    from cariberita.articles.parsers.csvformat import _repeated

    assert _repeated(["title", "body", "catatan", "catatan", "published_at"]) == []
    assert _repeated(["title", "body", "title"]) == ["title"]
