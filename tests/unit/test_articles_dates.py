"""Dates as Indonesian news sites write them."""

from __future__ import annotations

import pytest
from cariberita.articles.dates import DateError, iso, parse_date


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Senin, 19 Februari 2024 - 20:04 WIB", "2024-02-19T20:04:00+07:00"),
        ("Jumat, 15 Maret 2024 - 16:00 WITA", "2024-03-15T16:00:00+08:00"),
        ("Sabtu, 16 Maret 2024 - 10:00 WIT", "2024-03-16T10:00:00+09:00"),
        ("Jum'at, 1 Nopember 2019 | 07.30 WIB", "2019-11-01T07:30:00+07:00"),
        ("13 Maret 2024", "2024-03-13T00:00:00+07:00"),
        ("19 Agustus 2019 21:48", "2019-08-19T21:48:00+07:00"),
        ("2019-09-19T16:03:00+07:00", "2019-09-19T16:03:00+07:00"),
        ("2019-09-19 16:03", "2019-09-19T16:03:00+07:00"),
        ("2024-03-09", "2024-03-09T00:00:00+07:00"),
        ("2024-01-01T00:00:00Z", "2024-01-01T00:00:00+00:00"),
    ],
)
def test_date_text_is_read_with_wib_as_default_zone(text, expected):
    assert iso(parse_date(text)) == expected


@pytest.mark.parametrize(
    "text", ["kemarin sore", "", "31 Februari 2024", "19 Brumaire 2024", "2024-13-01"]
)
def test_unreadable_dates_raise_a_clear_error(text):
    with pytest.raises(DateError):
        parse_date(text)
