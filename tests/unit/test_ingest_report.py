"""The editor's report: where it is written, and that it stays bounded."""

from __future__ import annotations

import json

import pytest
from cariberita.ingest.report import Report, report_key


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        ("uploads/batch.ndjson", "reports/uploads/batch.ndjson.json"),
        ("/uploads//batch.ndjson", "reports/uploads/batch.ndjson.json"),
        ("../../etc/passwd", "reports/etc/passwd.json"),
        ("a/../../b/./c.csv", "reports/a/b/c.csv.json"),
        ("..\\..\\x.csv", "reports/x.csv.json"),
        ("..", "reports/_.json"),
    ],
)
def test_report_key_never_leaves_the_reports_prefix(key, expected):
    assert report_key("reports/", key) == expected


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
