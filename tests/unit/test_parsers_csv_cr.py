"""CSV line ends, line caps and deadline checks, counted (never timed).

A bare CR ends a CSV line like an LF (Excel's "CSV (Macintosh)"), at the line-reading level: each
such line counts toward ``max_lines``, is bounded by ``max_record_bytes`` on its own and is named
by its number in reasons. The deadline is checked every ``CHECK_LINES`` lines, so content that
yields no record (blank rows) cannot outrun it between chunk reads. Blank-only content is empty
whatever its size; gzip zero padding after the last member is ignored.
"""

from __future__ import annotations

import gzip
import io

import pytest
from cariberita.articles.parsers import Limits, UnparseableObject
from cariberita.articles.parsers.reading import parse_records
from cariberita.articles.parsers.stream import CHECK_LINES, ByteStream, iter_lines

from tests.support.deadline_checks import CountingCheck, TimeUp

ROWS = ["id,title,body", "ok-1,Banjir rob,Air laut naik.", "ok-2,Jalan rusak,Warga mengeluh."]


def records(data: bytes, limits: Limits | None = None, *, chunk: int = 65_536, check=None):
    stream = ByteStream(io.BytesIO(data), chunk, max_bytes=10**9, check=check)
    return list(parse_records(stream, "batch.csv", limits)[1])


def lines(data: bytes, max_line_bytes: int = 100, chunk: int = 65_536) -> list[tuple[int, bytes]]:
    stream = ByteStream(io.BytesIO(data), chunk)
    return [(line.number, line.data) for line in iter_lines(stream, max_line_bytes, bare_cr=True)]


@pytest.mark.parametrize("chunk", [1, 2, 3, 65_536])
def test_cr_lf_and_crlf_each_end_one_line_wherever_the_chunks_split(chunk):
    data = b"a\rb\nc\r\nd\r\r\ne"
    assert lines(data, chunk=chunk) == [
        (1, b"a"),
        (2, b"b"),
        (3, b"c"),
        (4, b"d"),
        (5, b""),
        (6, b"e"),
    ]


def test_a_mac_csv_over_the_record_size_is_read_row_by_row():
    rows = [ROWS[0]] + [f"ok-{n},Judul {n},{'Isi berita. ' * 8}" for n in range(1, 201)]
    data = "\r".join(rows).encode() + b"\r"  # 21 KB on one "LF line"
    got = records(data, Limits(max_record_bytes=1_000))
    assert [(r.position, r.error, r.data["id"]) for r in got] == [
        (n, None, f"ok-{n}") for n in range(1, 201)
    ]


def test_a_reason_in_a_mac_csv_names_the_line_of_its_row():
    data = "\r".join([ROWS[0], ROWS[1], 'bad,"Judul,Isi', ROWS[2]]).encode() + b"\r"
    got = [(r.position, r.error) for r in records(data)]
    assert got == [
        (1, None),
        (2, "unterminated quote (row starting at line 3)"),
        (3, None),
    ]


@pytest.mark.parametrize("end", ["\n", "\r\n", "\r"])
def test_a_quoted_line_end_is_part_of_the_field_whatever_the_file_uses(end):
    body = f'"Paragraf satu.{end}{end}Paragraf dua."'
    data = end.join([ROWS[0], f"ok-1,Judul,{body}", ROWS[2]]).encode() + end.encode()
    got = [(r.position, r.error, r.data and r.data["body"]) for r in records(data)]
    assert got == [(1, None, "Paragraf satu.\n\nParagraf dua."), (2, None, "Warga mengeluh.")]


def test_each_bare_cr_line_counts_toward_the_line_cap():
    # One LF line of 5,000 CR-ended blank lines: it used to count as one line.
    data = f"{ROWS[0]}\n{ROWS[1]}\n".encode() + b" \r" * 5_000 + f"\n{ROWS[2]}\n".encode()
    got = records(data, Limits(max_lines=100))
    assert [(r.position, r.stop) for r in got] == [(1, None), (2, "over_limit")]
    assert "line 101" in got[-1].error


def test_the_deadline_is_checked_every_n_lines_while_blank_rows_yield_no_record():
    blank = CHECK_LINES * 5
    data = f"{ROWS[0]}\n{ROWS[1]}\n".encode() + b",,\r" * blank + f"{ROWS[2]}\n".encode()
    counted = CountingCheck()
    got = records(data, chunk=len(data) + 1, check=counted)  # one chunk: one chunk check
    assert [r.position for r in got] == [1, 2]
    assert counted.calls >= blank // CHECK_LINES

    with pytest.raises(TimeUp):
        records(data, chunk=len(data) + 1, check=CountingCheck(fail_at=4))


def test_an_object_over_the_line_cap_stops_at_the_row_it_was_reading():
    data = f"{ROWS[0]}\n{ROWS[1]}\n".encode() + b",\n" * 20 + f"{ROWS[2]}\n".encode()
    got = records(data, Limits(max_lines=10))
    assert [(r.position, r.stop) for r in got] == [(1, None), (2, "over_limit")]
    assert got[-1].error == "more than 10 lines in one object (reading stopped at line 11)"


@pytest.mark.parametrize("gz", [False, True])
@pytest.mark.parametrize("blank", [b"\n", b"\r\n", b"\r", b" \n"])
def test_blank_only_csv_is_empty_whatever_its_size(blank, gz):
    # Over the 1,000-byte sniff (here the record size): the parser sees it, not the sniffer.
    data = blank * 3_000
    data = gzip.compress(data) if gz else data
    assert records(data, Limits(max_record_bytes=1_000)) == []


def test_blank_lines_before_the_header_are_skipped():
    data = ("\n \r\n\r" + "\n".join(ROWS) + "\n").encode()
    got = [(r.position, r.data["id"]) for r in records(data)]
    assert got == [(1, "ok-1"), (2, "ok-2")]


def test_a_header_of_blank_lines_only_then_a_bad_line_is_still_refused():
    with pytest.raises(UnparseableObject, match="missing: title, body"):
        records(b"\n\njudul,isi\nx,y\n")


@pytest.mark.parametrize("chunk", [2, 5, 65_536])
@pytest.mark.parametrize("padding", [1, 8, 70_000])
def test_gzip_zero_padding_after_the_last_member_is_ignored(padding, chunk):
    data = gzip.compress("\n".join(ROWS).encode() + b"\n") + b"\0" * padding
    got = [(r.position, r.stop, r.error) for r in records(data, chunk=chunk)]
    assert got == [(1, None, None), (2, None, None)]


def test_a_gzip_member_after_zero_padding_is_read_too():
    first = gzip.compress(("\n".join(ROWS[:2]) + "\n").encode())
    data = first + b"\0" * 16 + gzip.compress(f"{ROWS[2]}\n".encode())
    assert [r.data["id"] for r in records(data, chunk=7)] == ["ok-1", "ok-2"]


def test_other_bytes_after_the_last_gzip_member_still_stop_the_reading():
    data = gzip.compress(("\n".join(ROWS) + "\n").encode()) + b"\0\0junk"
    got = records(data)
    assert [(r.position, r.stop) for r in got] == [(1, None), (2, None), (3, "incomplete")]


def test_zero_padding_counts_toward_the_decompressed_cap():
    data = gzip.compress(("\n".join(ROWS) + "\n").encode()) + b"\0" * 5_000
    stream = ByteStream(io.BytesIO(data), 1_000, max_bytes=2_000)
    *read, last = parse_records(stream, "batch.csv")[1]
    assert [r.position for r in read] == [1, 2]
    assert last.stop == "over_limit" and "decompressed" in last.error
