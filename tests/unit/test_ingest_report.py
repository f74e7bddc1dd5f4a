"""The editor's report: where it is written, and that it stays bounded."""

from __future__ import annotations

import json

import pytest
from cariberita.ingest.report import MAX_ECHO_CHARS, Report, report_key, retrying_report
from hypothesis import given
from hypothesis import strategies as st


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        ("uploads/batch.ndjson", "reports/uploads/batch.ndjson.json"),
        ("uploads/2024 Feb/berita (1).csv.gz", "reports/uploads/2024 Feb/berita (1).csv.gz.json"),
        ("/uploads//batch.ndjson", "reports/%/uploads/%/batch.ndjson.json"),
        ("../../etc/passwd", "reports/%2E%2E/%2E%2E/etc/passwd.json"),
        ("a/../../b/./c.csv", "reports/a/%2E%2E/%2E%2E/b/%2E/c.csv.json"),
        ("..\\..\\x.csv", "reports/..%5C..%5Cx.csv.json"),
        ("..", "reports/%2E%2E.json"),
        ("50%.csv", "reports/50%25.csv.json"),
    ],
)
def test_report_key_never_leaves_the_reports_prefix(key, expected):
    assert report_key("reports/", key) == expected


@given(st.lists(st.text(alphabet="a./\\%", max_size=8), min_size=2, max_size=2, unique=True))
def test_distinct_keys_never_share_a_report(keys):
    first, second = (report_key("reports/", k) for k in keys)
    assert first != second
    for report in (first, second):
        assert report.startswith("reports/")
        assert not {".", ".."} & set(report.removeprefix("reports/").split("/"))


def test_rejections_beyond_the_listing_limit_are_counted_not_listed():
    report = Report("b", "k", max_listed=2)
    for n in range(5):
        report.reject("line", n + 1, "title: required field is missing")
    assert report.counts["rejected"] == 5
    assert [r["line"] for r in report.rejected] == [1, 2]
    assert report.rejected_not_listed == 3
    assert report.status == "rejected_records"


def test_report_json_carries_counts_status_and_positions():
    report = Report("b", "uploads/a.csv", format="csv")
    report.counts.update(received=3, valid=2, indexed=2)
    report.reject("row", 2, "body: must not be empty", "x-2")
    data = json.loads(report.finish().to_json())
    assert data["object"] == "s3://b/uploads/a.csv"
    assert data["status"] == "rejected_records"
    assert data["rejected"] == [{"row": 2, "reason": "body: must not be empty", "id": "x-2"}]
    assert data["finished_at"] is not None


def test_echoed_values_are_clipped_so_a_report_stays_small():
    report = Report("b", "k", max_listed=1_000)
    for n in range(5_000):
        report.reject("line", n, "published_at: unreadable date '" + "x" * 100_000 + "'", "i" * 900)
    text = report.finish().to_json()
    assert len(text) < 600_000
    first = report.rejected[0]
    assert len(first["reason"]) == MAX_ECHO_CHARS and first["reason"].endswith("…")
    assert len(first["id"]) == MAX_ECHO_CHARS
    assert report.counts["rejected"] == 5_000 and report.rejected_not_listed == 4_000


@pytest.mark.parametrize(
    ("setup", "status"),
    [
        (lambda r: None, "empty"),
        (lambda r: r.counts.update(received=1, indexed=1), "ok"),
        (lambda r: (r.counts.update(received=1), r.reject("line", 1, "x")), "rejected_records"),
        (lambda r: r.refuse("not UTF-8 text"), "unparseable"),
        (lambda r: r.refuse("more than 5 lines", over_limit=True), "over_limit"),
        (lambda r: r.stop_reading("incomplete", "item", 3, "invalid JSON"), "incomplete"),
        (lambda r: r.stop_reading("over_limit", "line", 9, "more than 8 lines"), "over_limit"),
    ],
)
def test_status_says_what_happened_to_the_object(setup, status):
    report = Report("b", "k")
    setup(report)
    assert report.status == status
    assert report.balanced


def test_a_stop_counts_the_record_where_reading_stopped_as_not_read():
    report = Report("b", "k")
    report.counts.update(received=2, indexed=2)
    report.stop_reading("incomplete", "item", 3, "invalid JSON in item 3: unexpected end")
    data = json.loads(report.finish().to_json())
    assert data["stopped_at"] == {"item": 3}
    assert data["counts"]["received"] == 3 and data["counts"]["not_read"] == 1
    assert data["status"] == "incomplete" and "item 3" in data["error"]


def test_a_retrying_report_names_the_failure_and_holds_no_counts():
    report = retrying_report("b", "k", TimeoutError("x" * 10_000))
    assert report.status == "retrying"
    assert report.error.startswith("TimeoutError: xxx") and len(report.error) == MAX_ECHO_CHARS
    assert not any(report.counts.values())


def test_an_id_utf8_cannot_encode_is_echoed_as_its_escape_so_the_report_can_be_stored():
    # A JSON "\ud800" in an id decodes to a lone surrogate: echoed raw, every write of the
    # report (UTF-8) failed, and the delivery was retried into the DLQ (found by a review).
    report = Report("b", "k")
    report.reject("line", 2, "id: does not match \ud800", "\ud800")
    text = report.finish().to_json()
    text.encode("utf-8")
    assert report.rejected[0]["id"] == "\\ud800"


def test_repeated_ids_are_listed_up_to_a_bound_and_counted_beyond():
    from cariberita.ingest.report import MAX_REPEATED_LISTED

    report = Report("b", "k", max_listed=1_000)
    for n in range(2, 5_002):
        report.repeat("line", n, "i" * 900, 1)
    assert len(report.repeated) == MAX_REPEATED_LISTED
    assert report.repeated_not_listed == 5_000 - MAX_REPEATED_LISTED
    assert len(report.repeated[0]["id"]) == MAX_ECHO_CHARS
    assert len(report.finish().to_json()) < 50_000
