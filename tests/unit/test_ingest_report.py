"""The editor's report: where it is written, and that it stays bounded."""

from __future__ import annotations

import json

import pytest
from cariberita.ingest.report import Report, report_key
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
