"""Hostile CSV line ends, blank floods, slow pages and gzip padding, through ``IngestService``.

Found by an independent review (docs/reliability.md, "Hostile uploads"): bare-CR lines got round
the CSV line cap (a 62 KB gzip ran past the Lambda timeout on every delivery, into the DLQ); a
Mac CSV over 1 MB was refused whole; an HTML page was parsed with no deadline check; blank-only
CSV, a line-cap stop and gzip zero padding were misreported. Each case runs on the in-memory
fakes; bounded work is shown by where reading stops (the line cap) or by counting the reads of a
Lambda clock, never by wall time.
"""

from __future__ import annotations

import gzip

import pytest
from cariberita.ingest.deadline import Deadline, OutOfTime
from cariberita.ingest.events import ObjectEvent
from cariberita.ingest.report import SETTLED
from cariberita.ingest.service import IngestService

from tests.support.fake_index_writer import FakeIndexWriter
from tests.support.fake_upload_store import FakeUploadStore
from tests.support.ingest_service import service_on

pytestmark = pytest.mark.filterwarnings("ignore:No application metrics")
BUCKET = "hostile"
HEADER = "id,title,body"


def row(n: int, body: str = "Perbaikan jalan selesai.") -> str:
    return f"h-{n},Warga kampung {n} memperbaiki jalan,{body}"


class RunningClock:
    """A Lambda context with a minute left until ``expire_after`` reads, then one second."""

    def __init__(self, expire_after: int) -> None:
        self.reads = 0
        self.expire_after = expire_after

    def get_remaining_time_in_millis(self) -> int:
        self.reads += 1
        return 60_000 if self.reads < self.expire_after else 1_000


def _service() -> tuple[IngestService, FakeIndexWriter, FakeUploadStore]:
    index, store = FakeIndexWriter(chunk_size=1_000), FakeUploadStore()
    return service_on(index, store), index, store


def _handle(data: bytes, key: str) -> tuple[set[str], dict]:
    service, index, store = _service()
    store.put(BUCKET, f"uploads/{key}", data)
    service.handle(ObjectEvent("created", BUCKET, f"uploads/{key}"), Deadline())
    report = store.report(BUCKET, f"reports/uploads/{key}.json")
    counts = report["counts"]
    assert counts["received"] == sum(counts[name] for name in SETTLED), counts
    return set(index.articles), report


def test_a_gzip_of_bare_cr_lines_stops_at_the_line_cap():
    # 62 KB of gzip, 64 MB of " \r": each CR-ended line now counts toward the 2,000,000 cap.
    flood = (b" \r" * 499_999 + b"\n") * 64
    data = gzip.compress(f"{HEADER}\n{row(1)}\n".encode() + flood + f"{row(2)}\n".encode(), 9)
    indexed, report = _handle(data, "banjir-cr.csv.gz")
    assert report["status"] == "over_limit"
    assert report["stopped_at"] == {"row": 2}
    assert report["error"] == (
        "more than 2000000 lines in one object (reading stopped at line 2000001)"
    )
    assert indexed == {"h-1"}
    assert report["counts"]["not_read"] == 1


def test_blank_cr_rows_are_checked_against_the_deadline_and_leave_a_retrying_report():
    # 2 MB in 32 chunk reads; the clock runs out after 60 reads: only per-line checks get there.
    data = gzip.compress(f"{HEADER}\n{row(1)}\n".encode() + b",\r" * 1_000_000)
    service, _, store = _service()
    store.put(BUCKET, "uploads/lambat.csv.gz", data)
    clock = RunningClock(expire_after=60)
    with pytest.raises(OutOfTime):
        service.handle(
            ObjectEvent("created", BUCKET, "uploads/lambat.csv.gz"), Deadline(clock, 15_000)
        )
    assert store.report(BUCKET, "reports/uploads/lambat.csv.gz.json")["status"] == "retrying"


def test_a_mac_csv_over_a_megabyte_is_read_row_by_row():
    rows = [HEADER] + [row(n, "x" * 480) for n in range(4_000)]  # 2 MB, CR line ends
    indexed, report = _handle("\r".join(rows).encode() + b"\r", "mac.csv")
    assert report["status"] == "ok"
    assert indexed == {f"h-{n}" for n in range(4_000)}


def test_a_broken_row_of_a_mac_csv_is_rejected_with_its_own_line():
    rows = [HEADER, row(1), 'h-x,"Judul,Isi', row(3), row(4)]
    indexed, report = _handle("\r".join(rows).encode() + b"\r", "mac-rusak.csv")
    assert report["rejected"] == [
        {"row": 2, "reason": "unterminated quote (row starting at line 3)"}
    ]
    assert indexed == {"h-1", "h-3", "h-4"}


def test_an_html_page_that_outruns_the_deadline_stops_while_it_is_parsed():
    # 1 MB of nested lists (about 3 s of html.parser here, 20 s at the 5 MB cap): read in 16
    # chunks plus the sniff; the clock runs out after 25 reads, so only checks inside the
    # parse can see it.
    page = b"<html><body><article><h1>Judul</h1>" + b"<ul><li>" * 125_000 + b"x</article>"
    service, index, store = _service()
    store.put(BUCKET, "uploads/bersarang.html", page)
    clock = RunningClock(expire_after=25)
    with pytest.raises(OutOfTime):
        service.handle(
            ObjectEvent("created", BUCKET, "uploads/bersarang.html"), Deadline(clock, 15_000)
        )
    # Stopped at the first check after the time ran out (read 25); read 26 is the release of the
    # bucket's lease, which finds no time left either and leaves the lease to expire.
    assert clock.reads == 26
    assert not index.articles
    assert store.report(BUCKET, "reports/uploads/bersarang.html.json")["status"] == "retrying"


@pytest.mark.parametrize(
    ("key", "data"),
    [
        ("kosong.csv", b"\n" * 1_100_000),
        ("kosong-crlf.csv", b"\r\n" * 600_000),
        ("kosong-cr.csv", b"\r" * 1_100_000),
        ("kosong.csv.gz", gzip.compress(b"\n" * 1_100_000)),
        ("kosong-spasi.csv", b" \n" * 600_000),
    ],
)
def test_blank_only_csv_over_the_sniff_is_empty_like_a_small_one(key, data):
    indexed, report = _handle(data, key)
    assert (report["status"], report["error"], indexed) == ("empty", None, set())


def test_blank_lines_before_a_csv_header_are_skipped():
    indexed, report = _handle(f"\n\r\n \n{HEADER}\n{row(1)}\n".encode(), "awal-kosong.csv")
    assert report["status"] == "ok"
    assert indexed == {"h-1"}


@pytest.mark.parametrize("padding", [8, 512, 100_000])
def test_gzip_zero_padding_is_ignored_and_nothing_is_counted_unread(padding):
    data = gzip.compress(f"{HEADER}\n{row(1)}\n{row(2)}\n".encode()) + b"\0" * padding
    indexed, report = _handle(data, "berpadding.csv.gz")
    assert (report["status"], report["stopped_at"]) == ("ok", None)
    assert report["counts"]["not_read"] == 0
    assert indexed == {"h-1", "h-2"}
