"""Hypothesis strategies for batches editors might upload: good articles mixed with bad records.

Shared by the fuzz unit tests (parsers, article contract) and the reliability handler tests.
Good articles are our own Indonesian text (never corpus articles). Each bad record kind is
something the article contract must refuse, so a test can say which records must come out.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from hypothesis import strategies as st

WORDS = tuple(
    [
        "banjir",
        "rob",
        "pemkot",
        "warga",
        "jalan",
        "tol",
        "presiden",
        "menteri",
        "pasar",
        "harga",
        "beras",
        "naik",
        "turun",
        "sekolah",
        "guru",
        "murid",
        "rumah",
        "sakit",
        "dokter",
        "pasien",
        "polisi",
        "desa",
        "kota",
        "kabupaten",
        "pemilu",
        "suara",
        "partai",
        "gempa",
        "bumi",
        "hujan",
        "deras",
        "petani",
        "panen",
        "nelayan",
        "laut",
        "ekonomi",
        "rupiah",
        "saham",
        "bank",
        "listrik",
        "air",
    ]
)
CATEGORIES = ("Politik", "Ekonomi", "Hukum / Kriminal", "Olahraga", "BERITA UTAMA / HUKRIM")

sentence = st.lists(st.sampled_from(WORDS), min_size=2, max_size=12).map(
    lambda ws: " ".join(ws).capitalize()
)


@st.composite
def good_article(draw: st.DrawFn, prefix: str = "fz") -> dict[str, Any]:
    """A record the article contract accepts, with a unique-looking id."""
    number = draw(st.integers(0, 10**9))
    article: dict[str, Any] = {
        "id": f"{prefix}-{number}",
        "title": draw(sentence),
        "body": ". ".join(draw(st.lists(sentence, min_size=1, max_size=5))) + ".",
        "category": draw(st.sampled_from(CATEGORIES)),
        "published_at": draw(
            # Within the contract's date window (1900 up to one day from now).
            st.datetimes(min_value=_dt(2000), max_value=_dt(2025)).map(
                lambda d: d.isoformat(timespec="seconds") + "+07:00"
            )
        ),
    }
    if draw(st.booleans()):
        article["url"] = f"https://berita.example.id/{article['id']}"
    return article


def _dt(year: int):
    from datetime import datetime

    return datetime(year, 1, 1)


# Records (already decoded) that the contract must refuse; value -> reason kind.
def _wrong_type(article: dict, value: Any) -> dict:
    return {**article, "title": value}


@st.composite
def invalid_record(draw: st.DrawFn) -> Any:
    """A decoded JSON value that is not a valid article: wrong types, missing or huge fields."""
    base = draw(good_article(prefix="bad"))
    kind = draw(
        st.sampled_from(
            ("wrong_type", "missing", "enormous", "not_object", "nested", "bad_date", "bad_id")
        )
    )
    if kind == "wrong_type":
        value = draw(st.one_of(st.integers(), st.booleans(), st.lists(st.integers(), max_size=3)))
        return _wrong_type(base, value)
    if kind == "missing":
        field = draw(st.sampled_from(("title", "body")))
        return {k: v for k, v in base.items() if k != field}
    if kind == "enormous":
        return {**base, "title": "panjang " * 200}  # over the 1,000-character title limit
    if kind == "not_object":
        return draw(st.one_of(st.integers(), st.text(max_size=20), st.lists(st.none(), max_size=3)))
    if kind == "nested":
        depth = draw(st.integers(1, 60))
        return {**base, "body": json.loads("[" * depth + "]" * depth)}
    if kind == "bad_date":
        return {
            **base,
            "published_at": draw(st.sampled_from(("kemarin sore", "32 Mei 2024", ""))) or "x",
        }
    return {**base, "id": draw(st.sampled_from(("../../etc/passwd", "a b", "-x", "é" * 3)))}


@st.composite
def bad_line(draw: st.DrawFn, max_line_bytes: int) -> bytes:
    """One NDJSON line that must come out as a rejected record (never blank)."""
    kind = draw(st.sampled_from(("record", "utf8", "truncated", "huge", "binary")))
    if kind == "record":
        return json.dumps(draw(invalid_record()), ensure_ascii=False).encode()
    text = json.dumps(draw(good_article(prefix="bad")), ensure_ascii=False).encode()
    if kind == "utf8":
        cut = draw(st.integers(1, len(text) - 1))
        return (
            text[:cut] + draw(st.sampled_from((b"\xff", b"\xc3\x28", b"\xed\xa0\x80"))) + text[cut:]
        )
    if kind == "truncated":
        return text[: draw(st.integers(1, len(text) - 1))]
    if kind == "huge":
        return b'{"title": "' + b"a" * (max_line_bytes + 10) + b'"}'
    # Binary noise that is neither blank nor valid JSON.
    return b"\x00" + draw(st.binary(max_size=40)).replace(b"\n", b"\x01")


@st.composite
def ndjson_batch(draw: st.DrawFn, max_line_bytes: int) -> tuple[bytes, dict[int, str], set[int]]:
    """(body, {line number: good id}, {bad line numbers}) of a mixed NDJSON batch."""
    lines: list[bytes] = []
    good: dict[int, str] = {}
    bad: set[int] = set()
    for item in draw(st.lists(st.booleans(), min_size=0, max_size=12)):
        if draw(st.booleans()) and lines:
            lines.append(b"")  # blank lines are allowed and skipped
        if item:
            article = draw(good_article())
            lines.append(json.dumps(article, ensure_ascii=False).encode())
            good[len(lines)] = article["id"]
        else:
            lines.append(draw(bad_line(max_line_bytes)))
            bad.add(len(lines))
    newline = draw(st.sampled_from((b"\n", b"\r\n")))
    return newline.join(lines) + draw(st.sampled_from((b"", newline))), good, bad


CSV_HEADER = ["id", "title", "body", "category", "published_at"]


@st.composite
def csv_batch(draw: st.DrawFn) -> tuple[bytes, dict[int, str], set[int]]:
    """(body, {row number: good id}, {bad row numbers}); bad rows are ragged or not UTF-8."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_HEADER)
    chunks = [out.getvalue().encode()]
    good: dict[int, str] = {}
    bad: set[int] = set()
    for row_number, kind in enumerate(
        draw(st.lists(st.sampled_from(("good", "short", "long", "utf8")), max_size=10)), start=1
    ):
        article = draw(good_article())
        row = [article[c] for c in CSV_HEADER]
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        if kind == "short":
            writer.writerow(row[: draw(st.integers(1, 2))])  # no body: the contract refuses it
        elif kind == "long":
            writer.writerow(row + ["extra"] * draw(st.integers(1, 3)))
        else:
            writer.writerow(row)
        line = out.getvalue().encode()
        if kind == "utf8":
            line = line[:4] + b"\xff\xfe" + line[4:]
        chunks.append(line)
        (good.__setitem__(row_number, article["id"]) if kind == "good" else bad.add(row_number))
    return b"".join(chunks), good, bad
