"""A ``{"articles": [...]}`` document is streamed like a top-level array, whitespace or not.

Contract under test (cariberita.articles.parsers.jsonformats.parse_json_document): the
``articles`` array of an object is read item by item with the array's guarantees (everything
valid before a syntax error or a truncation is read, then one ``stop`` record at the first item
not read; each item bounded alone); leading whitespace and a BOM never change how a document
is read; an object whose ``articles`` array does not open within the look-ahead is read whole,
as before.
"""

from __future__ import annotations

import gzip
import io
import json
import zlib

import pytest
from cariberita.articles.parsers import (
    Limits,
    OverLimit,
    RawRecord,
    UnparseableObject,
    open_records,
)
from cariberita.ingest.deadline import Deadline
from cariberita.ingest.events import ObjectEvent

from tests.support.fake_index_writer import FakeIndexWriter
from tests.support.fake_upload_store import FakeUploadStore
from tests.support.ingest_service import service_on

BUCKET = "berita"
SMALL_DOCUMENT = Limits(max_record_bytes=2_000, max_document_bytes=1_000)


def article(n: int, **extra: object) -> dict:
    return {"id": f"h-{n}", "title": f"Warga kampung {n}", "body": f"Jalan {n} selesai.", **extra}


ARTICLES = [article(n) for n in range(1, 1_301)]


def wrapped(items_json: str, shape: str) -> str:
    """The array text ``items_json`` as a top-level array or inside an object."""
    if shape == "array":
        return items_json
    if shape == "articles":
        return '{"articles": ' + items_json + "}"
    return '{"source": {"name": "Redaksi"}, "total": 1300, "articles": ' + items_json + ', "x": 1}'


SHAPES = ["array", "articles", "articles-among-members"]


def read(data: bytes, limits: Limits | None = None) -> list[RawRecord]:
    _, _, records = open_records(io.BytesIO(data), "batch.json", limits)
    return list(records)


def ids(records: list[RawRecord]) -> list[str]:
    assert all(r.error is None for r in records), [r for r in records if r.error][:3]
    return [r.data["id"] for r in records]


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("cut", [0.25, 0.5, 0.9, 0.999])
def test_a_truncated_gzip_keeps_every_whole_item_before_the_cut_and_stops_there(shape, cut):
    packed = gzip.compress(wrapped(json.dumps(ARTICLES), shape).encode(), 1)
    truncated = packed[: int(len(packed) * cut)]
    whole = zlib.decompressobj(wbits=31).decompress(truncated).count(b"}")  # one per article

    *items, last = read(truncated)

    assert whole - 1 <= len(items) <= whole and len(items) > 200
    assert ids(items) == [a["id"] for a in ARTICLES[: len(items)]]
    assert (last.stop, last.position) == ("incomplete", len(items) + 1)
    assert "gzip" in last.error


@pytest.mark.parametrize("shape", SHAPES)
def test_a_syntax_error_at_item_1201_keeps_the_1200_before_it(shape):
    items = json.dumps(ARTICLES[:1_200])[:-1] + ', {"title": "x" "body": "y"}]'
    *read_items, last = read(wrapped(items, shape).encode())
    assert ids(read_items) == [a["id"] for a in ARTICLES[:1_200]]
    assert (last.stop, last.position) == ("incomplete", 1_201)
    assert "item 1201" in last.error


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize(
    "lead",
    [b"\n" * 100, b" \t\r\n" * 5_000, b"\xef\xbb\xbf\n\n"],
    ids=["100-newlines", "20k-whitespace", "bom"],
)
def test_leading_whitespace_or_a_bom_does_not_stop_a_document_being_streamed(shape, lead):
    data = lead + wrapped(json.dumps(ARTICLES[:50]), shape).encode()
    assert len(data) > SMALL_DOCUMENT.max_document_bytes  # read whole, it would be over_limit
    assert ids(read(data, SMALL_DOCUMENT)) == [a["id"] for a in ARTICLES[:50]]


def test_an_item_of_the_articles_array_is_bounded_alone():
    items = [article(1), article(2, body="kata " * 1_000), article(3)]
    data = json.dumps({"articles": items}).encode()
    got = [(r.position, r.error or r.data["id"]) for r in read(data, SMALL_DOCUMENT)]
    assert got == [(1, "h-1"), (2, "item larger than 2000 bytes"), (3, "h-3")]


def test_members_after_the_articles_array_are_read_past_and_ignored_whatever_their_size():
    tail = {"catatan": "x" * 50_000, "dalam": {"a": [1] * 5_000}, "angka": 9}
    data = ('{"articles": ' + json.dumps(ARTICLES[:3]) + ", " + json.dumps(tail)[1:]).encode()
    assert ids(read(data, SMALL_DOCUMENT)) == ["h-1", "h-2", "h-3"]


@pytest.mark.parametrize(
    ("after", "reason"),
    [
        ("", "expected ',' or '}'"),
        ("} ekor", "extra data"),
        (', "total": ', "Expecting value"),
        (', "articles": []}', 'second "articles"'),
        (", 5: 1}", "member name"),
    ],
)
def test_a_broken_object_after_its_articles_array_stops_after_the_items(after, reason):
    data = ('{"articles": ' + json.dumps(ARTICLES[:2]) + after).encode()
    *items, last = read(data)
    assert ids(items) == ["h-1", "h-2"]
    assert (last.stop, last.position) == ("incomplete", 3) and reason in last.error


def test_an_object_whose_articles_array_opens_past_the_look_ahead_is_read_whole():
    # Members before "articles" are only looked through within the first MiB; past it the
    # document is read whole (up to max_document_bytes), as every object was before.
    data = json.dumps({"kata": "x" * 1_100_000, "articles": ARTICLES[:2]}).encode()
    assert ids(read(data, Limits(max_document_bytes=2_000_000))) == ["h-1", "h-2"]
    with pytest.raises(OverLimit, match="NDJSON"):
        read(data, Limits(max_document_bytes=1_000_000))


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"\n" * 100 + json.dumps(article(1)).encode(), ["h-1"]),
        (b'{"articles": 5, "articles": [{"id": "h-1"}]}', ["h-1"]),
        (b'{"articles": []}', []),
        (b' {"articles": [], "total": 0}', []),
    ],
)
def test_other_objects_are_read_as_before(data, expected):
    assert ids(read(data)) == expected


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b'\n\n{"articles": 5}', "must be an array"),
        (b'{"articles": [] x', "expected ',' or '}'"),
        (b'{"articles": [{"title": "a" "body": "b"}]}', "item 1"),
    ],
)
def test_an_object_with_nothing_readable_is_refused_whole(data, reason):
    with pytest.raises(UnparseableObject, match=reason):
        read(data)


def test_the_report_of_a_cut_articles_document_counts_what_was_indexed_and_not_read():
    packed = gzip.compress(json.dumps({"articles": ARTICLES}).encode(), 1)
    index, bucket = FakeIndexWriter(chunk_size=100), FakeUploadStore()
    service = service_on(index, bucket)
    key = "uploads/batch.json.gz"
    bucket.put(BUCKET, key, packed[: int(len(packed) * 0.9)])

    service.handle(ObjectEvent("created", BUCKET, key), Deadline())
    report = bucket.report(BUCKET, f"reports/{key}.json")

    indexed = report["counts"]["indexed"]
    assert report["status"] == "incomplete" and indexed > 1_000
    assert report["stopped_at"] == {"item": indexed + 1}
    assert report["counts"]["not_read"] == 1 and len(index.articles) == indexed
