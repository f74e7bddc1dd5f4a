"""Dates as news sites write them: ISO 8601 or Indonesian text, with WIB/WITA/WIT zones.

An article's dates lie in a window: from ``EARLIEST`` (1900-01-01T00:00:00Z) to one day after
now (``LATEST_AHEAD``, for clocks and zones a little ahead). A date outside it is a typo or an
attack (year 9999 would sit on top of every "newest" listing and breaks month facets); the
article contract rejects it with a reason. Inside the window, :func:`version_millis` is the
external version for newer-wins: milliseconds since ``EARLIEST``, never negative and increasing
over the whole window (epoch milliseconds are negative, hence useless, before 1970).
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta, timezone

WIB = timezone(timedelta(hours=7), "WIB")
ZONES = {
    "WIB": WIB,
    "WITA": timezone(timedelta(hours=8), "WITA"),
    "WIT": timezone(timedelta(hours=9), "WIT"),
    "UTC": UTC,
    "GMT": UTC,
    "Z": UTC,
}
MONTHS = {
    name: n
    for n, names in enumerate(
        (
            ("januari", "jan", "january"),
            ("februari", "feb", "pebruari", "february"),
            ("maret", "mar", "march"),
            ("april", "apr"),
            ("mei", "may"),
            ("juni", "jun", "june"),
            ("juli", "jul", "july"),
            ("agustus", "agu", "agt", "aug", "august"),
            ("september", "sep", "sept"),
            ("oktober", "okt", "oct", "october"),
            ("november", "nov", "nopember"),
            ("desember", "des", "dec", "december"),
        ),
        start=1,
    )
    for name in names
}
_DAYS = r"(?:senin|selasa|rabu|kamis|jumat|jum'at|sabtu|minggu|ahad)"
# "Senin, 19 Februari 2024 - 20:04 WIB", "19 Februari 2024", "19 Feb 2024 20.04 WITA"
_TEXT_DATE = re.compile(
    rf"^(?:{_DAYS}\s*,?\s*)?(?P<day>\d{{1,2}})\s+(?P<month>[a-z']+)\.?\s+(?P<year>\d{{4}})"
    r"(?:\s*[-,|]?\s*(?:pukul\s+)?(?P<hour>\d{1,2})[:.](?P<minute>\d{2})(?:[:.](?P<second>\d{2}))?)?"
    r"\s*(?P<zone>WIB|WITA|WIT|UTC|GMT)?$",
    re.IGNORECASE,
)
DATE_LINE = re.compile(rf"^{_DAYS}\s*,\s*\d{{1,2}}\s+[a-z]+\s+\d{{4}}", re.IGNORECASE)


class DateError(ValueError):
    """The text is not a date we can read."""


def parse_date(value: str | datetime | date | int | float) -> datetime:
    """An aware datetime; WIB (+07:00) when the source gives no zone, midnight when no time."""
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=WIB)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=WIB)
    if isinstance(value, int | float) and not isinstance(value, bool):
        # Epoch milliseconds (what OpenSearch returns for dates without a format).
        try:
            return datetime.fromtimestamp(value / 1000, tz=UTC)
        except (OverflowError, OSError, ValueError) as exc:
            raise DateError(f"epoch milliseconds out of range: {value!r}") from exc
    if not isinstance(value, str):
        raise DateError(f"not a date: {value!r}")
    text = " ".join(value.split())
    if not text:
        raise DateError("empty date")
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00") if text.endswith("Z") else text)
    except ValueError:
        parsed = None
    if parsed is not None:
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=WIB)
    match = _TEXT_DATE.match(text)
    if not match:
        raise DateError(
            f"unreadable date {value!r} (use ISO 8601 or e.g. 'Senin, 19 Februari 2024 - 20:04 WIB'"
            ")"
        )
    month = MONTHS.get(match["month"].lower().rstrip("."))
    if month is None:
        raise DateError(f"unknown month {match['month']!r} in {value!r}")
    zone = ZONES[match["zone"].upper()] if match["zone"] else WIB
    try:
        return datetime(
            int(match["year"]),
            month,
            int(match["day"]),
            int(match["hour"] or 0),
            int(match["minute"] or 0),
            int(match["second"] or 0),
            tzinfo=zone,
        )
    except ValueError as exc:
        raise DateError(f"impossible date {value!r}: {exc}") from exc


def iso(value: datetime | None) -> str | None:
    """ISO 8601 with a numeric offset (never a zone name), as stored in the index."""
    if value is None:
        return None
    offset = value.utcoffset() or timedelta(0)
    return value.replace(tzinfo=timezone(offset)).isoformat()


def epoch_millis(value: datetime) -> int:
    return int(value.timestamp() * 1000)


EARLIEST = datetime(1900, 1, 1, tzinfo=UTC)
LATEST_AHEAD = timedelta(days=1)


def check_window(value: datetime, now: datetime | None = None) -> datetime:
    """``value`` if it lies in [EARLIEST, now + LATEST_AHEAD]; DateError naming the window."""
    latest = (now or datetime.now(UTC)) + LATEST_AHEAD
    if not EARLIEST <= value <= latest:
        # In UTC, the window's own zone: "1900-01-01" is read as WIB, 1899-12-31T17:00Z, and
        # "outside 1900-01-01" read as a contradiction. The window cannot start earlier:
        # versions count from EARLIEST and may not be negative.
        raise DateError(
            f"date {value.isoformat()} is outside {EARLIEST.isoformat()} .. "
            f"{latest.isoformat(timespec='seconds')} (UTC: 1900 up to one day from now)"
        )
    return value


def version_millis(value: datetime) -> int:
    """Milliseconds from EARLIEST to ``value``: the external version (newer-wins) of a dated
    record, monotonic and non-negative over the date window."""
    delta = value - EARLIEST
    return (delta.days * 86_400 + delta.seconds) * 1_000 + delta.microseconds // 1_000
