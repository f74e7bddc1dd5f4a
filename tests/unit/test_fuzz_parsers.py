"""Hypothesis over the batch parsers: malformed uploads never crash, hang or lose good records.

Contract under test (cariberita.articles.parsers): reading an object either raises
UnparseableObject (the whole object is refused, with a reason) or yields records that each hold
data or an error; bad records are reported by position and good records come through intact.
"""

from __future__ import annotations

import contextlib
import gzip
import io
import json
import os
import re
import tracemalloc
import zlib

import pytest
from cariberita.articles.parsers import Limits, OverLimit, UnparseableObject, open_records
from cariberita.articles.parsers.stream import ByteStream, iter_lines
from cariberita.articles.validation import article_from_record
from cariberita.errors import InvalidArticle
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from tests.support.article_strategies import csv_batch, ndjson_batch

LIMITS = Limits(max_record_bytes=4_096, max_document_bytes=200_000, max_page_bytes=200_000)
NAMES = ("batch.ndjson", "batch.jsonl", "batch.json", "batch.csv", "page.txt", "page.html", "x")
BASE = settings(
    deadline=None,
    database=None,
    derandomize=os.environ.get("CI") == "true",  # CI: repeatable; locally: new cases each run
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def fuzz(examples: int) -> settings:
    return settings(BASE, max_examples=examples)


def read_all(data: bytes, name: str) -> list:
    """Every record of the object, or the UnparseableObject that refused it (returned)."""
    try:
        _, _, records = open_records(io.BytesIO(data), name, LIMITS)
        return list(records)
    except UnparseableObject as exc:
        assert str(exc)
        return [exc]


def outcome(data: bytes, name: str) -> tuple[dict[int, str], set[int]]:
    """(position -> id of each valid article, positions rejected) for one object."""
    accepted: dict[int, str] = {}
    rejected: set[int] = set()
    for record in read_all(data, name):
        assert not isinstance(record, UnparseableObject), record
        if record.error is not None:
            assert record.data is None and record.error
            rejected.add(record.position)
            continue
        try:
            accepted[record.position] = article_from_record(record.data).id
        except InvalidArticle as exc:
            assert str(exc)
            rejected.add(record.position)
    return accepted, rejected


@fuzz(1200)
@given(data=st.binary(max_size=2_000), name=st.sampled_from(NAMES), gz=st.booleans())
def test_arbitrary_bytes_are_refused_cleanly_or_parsed(data, name, gz):
    if gz:
        data, name = gzip.compress(data), name + ".gz"
    for record in read_all(data, name):
        if isinstance(record, UnparseableObject) or record.error is not None:
            continue
        with contextlib.suppress(InvalidArticle):
            article_from_record(record.data)


@fuzz(500)
@given(batch=ndjson_batch(LIMITS.max_record_bytes), name=st.sampled_from(("b.ndjson", "b.jsonl")))
def test_ndjson_reports_each_bad_line_and_keeps_each_good_one(batch, name):
    body, good, bad = batch
    accepted, rejected = outcome(body, name)
    assert accepted == good
    assert rejected == bad


@fuzz(150)
@given(batch=ndjson_batch(LIMITS.max_record_bytes), gz=st.booleans())
def test_ndjson_named_json_is_still_read_line_by_line(batch, gz):
    # Sniffing needs two objects on the first lines to call a .json file NDJSON; a batch whose
    # first line is broken is refused whole (documented in docs/reliability.md).
    body, good, bad = batch
    lead = b'{"id": "lead-1", "title": "Rapat", "body": "Isi."}\n' * 2
    data = gzip.compress(lead + body) if gz else lead + body
    accepted, rejected = outcome(data, "b.json.gz" if gz else "b.json")
    assert accepted == {1: "lead-1", 2: "lead-1", **{n + 2: i for n, i in good.items()}}
    assert rejected == {n + 2 for n in bad}


@fuzz(400)
@given(batch=csv_batch(), semicolon=st.booleans())
def test_csv_reports_ragged_and_undecodable_rows_and_keeps_good_ones(batch, semicolon):
    body, good, bad = batch
    accepted, rejected = outcome(body, "batch.csv")
    assert accepted == good
    assert rejected == bad


@fuzz(250)
@given(batch=ndjson_batch(LIMITS.max_record_bytes), cut=st.floats(0.0, 0.999))
def test_truncated_gzip_keeps_every_line_before_the_cut_and_stops_there(batch, cut):
    body, good, _ = batch
    packed = gzip.compress(body)
    truncated = packed[: int(len(packed) * cut)]
    records = read_all(truncated, "b.ndjson.gz")
    if records and isinstance(records[-1], UnparseableObject):
        assert "gzip" in str(records[-1])
        return  # nothing before the cut could be read: the object is refused
    if records and records[-1].stop is not None:
        assert records[-1].stop == "incomplete" and "gzip" in records[-1].error
        records = records[:-1]
    # Every good line that was whole (newline included) in the bytes before the cut is read.
    try:
        prefix = zlib.decompressobj(wbits=31).decompress(truncated)
    except zlib.error:
        prefix = b""
    whole = prefix.count(b"\n")
    expected = {n for n in good if n <= whole}
    got = {r.position for r in records if r.error is None and r.position in good}
    assert expected <= got


@fuzz(300)
@given(
    items=st.lists(st.one_of(st.none(), st.integers(), st.text(max_size=5), st.booleans())),
    wrap=st.booleans(),
    indent=st.sampled_from((None, 1)),
)
def test_json_document_of_non_articles_rejects_each_item(items, wrap, indent):
    data = json.dumps({"articles": items} if wrap else items, indent=indent).encode()
    accepted, rejected = outcome(data, "batch.json")
    assert accepted == {}
    assert rejected == set(range(1, len(items) + 1))


@pytest.mark.parametrize("name", [*NAMES, "batch.ndjson.gz"])
@pytest.mark.parametrize("data", [b"", b"\n\n  \r\n", b"\xef\xbb\xbf", b"\xef\xbb\xbf\n"])
def test_an_empty_file_has_no_records_whatever_its_format(name, data):
    if name.endswith(".gz"):
        data = gzip.compress(data)
    assert read_all(data, name) == []


GOOD = {"id": "ok-1", "title": "Banjir rob", "body": "Air laut naik."}


def test_regression_deeply_nested_ndjson_line_is_a_bad_record_not_a_crash():
    data = ("[" * 4_000 + "\n" + json.dumps(GOOD) + "\n").encode()  # under the line limit
    records = read_all(data, "b.ndjson")
    assert [(r.position, r.error is None) for r in records] == [(1, False), (2, True)]


def test_regression_deeply_nested_json_item_is_rejected_alone():
    data = b"[" + b"[" * 100_000 + b"]" * 100_000 + b"," + json.dumps(GOOD).encode() + b"]"
    records = read_all(data, "b.json")
    assert [(r.position, r.error) for r in records] == [
        (1, "invalid JSON: nested too deeply"),
        (2, None),
    ]


def test_regression_deeply_nested_json_document_is_refused_cleanly():
    refused = read_all(b'{"articles": {"a": ' + b"[" * 100_000 + b"]" * 100_000 + b"}}", "b.json")
    assert isinstance(refused[0], UnparseableObject)


def test_regression_deeply_nested_item_of_an_articles_document_is_rejected_alone():
    records = read_all(b'{"articles": ' + b"[" * 100_000 + b"]" * 100_000 + b"}", "b.json")
    assert [(r.position, r.error) for r in records] == [(1, "invalid JSON: nested too deeply")]


def test_regression_csv_with_carriage_return_line_ends_is_read_or_refused_cleanly():
    # Excel's "CSV (Macintosh)" ends lines with a bare CR.
    data = b"id,title,body\rok-1,Banjir rob,Air laut naik.\r"
    records = read_all(data, "batch.csv")
    assert [(r.position, r.error, r.data["id"]) for r in records] == [(1, None, "ok-1")]


def test_regression_compact_articles_document_named_json_is_read_as_a_document():
    data = json.dumps({"articles": [GOOD, {**GOOD, "id": "ok-2"}]}).encode()  # one line
    accepted, rejected = outcome(data, "batch.json")
    assert (accepted, rejected) == ({1: "ok-1", 2: "ok-2"}, set())


@pytest.mark.timeout(120)
def test_gzip_bomb_stops_at_the_decompressed_cap_in_bounded_memory():
    # 512 MiB of zeros compress to ~500 KiB; reading stops at the 32 MiB decompressed cap (the
    # one over-long line is never held) and memory stays bounded by the inflate chunk.
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)
    block = b"\0" * (1 << 20)
    bomb = b"".join(packer.compress(block) for _ in range(512)) + packer.flush()
    limits = Limits(max_record_bytes=4_096, max_decoded_bytes=32 * 2**20)
    tracemalloc.start()
    try:
        with pytest.raises(OverLimit, match="decompressed"):
            list(open_records(io.BytesIO(bomb), "bomb.ndjson.gz", limits)[2])
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 16 * 2**20, f"peak {peak / 2**20:.0f} MiB while inflating a 512 MiB bomb"


HUGE = "9" * 5_000


@pytest.mark.parametrize(
    "where",
    [
        f'"x": {HUGE}',
        f'"x": -{HUGE}',
        f'"x": [1, {{"y": [{HUGE}]}}]',
        f'"tags": [{HUGE}]',
        f'"published_at": {HUGE}',
    ],
)
@pytest.mark.parametrize("name", ["b.ndjson", "b.json", "b.json.wrapped"])
def test_an_over_long_integer_rejects_its_record_and_keeps_the_neighbours(where, name):
    bad = '{"id": "bad-1", "title": "T", "body": "B", ' + where + "}"
    good = [json.dumps({**GOOD, "id": f"ok-{n}"}) for n in (1, 2)]
    if name == "b.ndjson":
        data = "\n".join([good[0], bad, good[1]])
    elif name == "b.json":
        data = "[" + ",".join([good[0], bad, good[1]]) + "]"
    else:
        data = '{"articles": [' + ",".join([good[0], bad, good[1]]) + "]}"
        name = "b.json"
    accepted, rejected = outcome(data.encode(), name)
    assert accepted == {1: "ok-1", 3: "ok-2"}
    assert rejected == {2}


def test_an_over_long_integer_in_a_csv_cell_is_a_rejected_row():
    data = f"id,title,body,published_at\nok-1,T,B,\nbad,T,B,{HUGE}\nok-2,T,B,\n".encode()
    accepted, rejected = outcome(data, "b.csv")
    assert accepted == {1: "ok-1", 3: "ok-2"}
    assert rejected == {2}


# A line of only CRs is empty when short and over-long beyond the limit (8 below), like any line.
_LINE_PARTS = st.lists(
    st.sampled_from(
        [b"", b"", b"\r", b"\r" * 8, b"\r" * 9, b"\r" * 20, b" ", b"ab", b"abcdefghijk"]
    ),
    max_size=30,
)


@fuzz(300)
@given(
    parts=_LINE_PARTS,
    ending=st.sampled_from([b"", b"\n", b"\n\n"]),
    max_lines=st.sampled_from([None, 3, 10]),
    chunk=st.sampled_from([1, 2, 3, 7, 64]),
)
def test_skipping_empty_lines_counts_them_and_changes_nothing_else(parts, ending, max_lines, chunk):
    # NDJSON skips runs of empty lines at once (a gzip of newlines expands to millions).
    data = b"\n".join(parts) + ending

    def lines(skip: bool) -> tuple[list[tuple[int, bytes, bool]], tuple[str, int | None] | None]:
        stream = ByteStream(io.BytesIO(data), max_bytes=10**6, chunk_bytes=chunk)
        try:
            read = iter_lines(stream, 8, max_lines, skip_empty=skip)
            return [(line.number, line.data, line.too_long) for line in read], None
        except OverLimit as exc:
            return [], (str(exc), exc.position)

    every, every_stop = lines(False)
    kept, kept_stop = lines(True)
    assert kept_stop == every_stop
    if every_stop is None:
        skipped = [line for line in every if line not in kept]
        assert kept == [line for line in every if line in kept]
        assert all(data == b"" and not too_long for _, data, too_long in skipped)


@fuzz(300)
@given(batch=csv_batch(), ending=st.sampled_from([b"\r", b"\r\n"]))
def test_csv_reads_the_same_whatever_its_line_ends(batch, ending):
    # Excel's "CSV (Macintosh)" ends lines with a bare CR: the same rows, reasons and lines.
    body, _, _ = batch
    assume(b"\r" not in body)

    def read(data: bytes) -> list:
        return [(r.position, r.error, r.data) for r in read_all(data, "batch.csv")]

    assert read(body.replace(b"\n", ending)) == read(body)


@fuzz(300)
@given(
    parts=st.lists(
        st.sampled_from([b"", b"a", b"bc", b"x" * 9, b"\r", b"\n", b"\r\n"]), max_size=30
    ),
    chunk=st.sampled_from([2, 3, 7, 64]),
)
def test_bare_cr_lines_are_a_plain_split_wherever_the_chunks_fall(parts, chunk):
    data = b"".join(parts)
    stream = ByteStream(io.BytesIO(data), chunk_bytes=chunk)
    got = [(line.number, line.data, line.too_long) for line in iter_lines(stream, 8, bare_cr=True)]
    pieces = re.split(rb"\r\n|\r|\n", data)
    if pieces[-1] == b"":
        pieces.pop()  # the last line end ends the last line; it starts none
    expected = [(n, p if len(p) <= 8 else b"", len(p) > 8) for n, p in enumerate(pieces, 1)]
    assert got == expected
