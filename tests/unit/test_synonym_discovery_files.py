"""``synonyms discover --from-file`` on files that are not clean NDJSON: skipped lines counted,
file errors as one message and a non-zero exit, never a traceback; its output is a rules file."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest
from cariberita import admin
from cariberita.rules import service
from cariberita.rules.store import InMemoryRulesStore

PALUS = "Paguyuban Lumbung Sejahtera (Palus) rapat. Palus (Paguyuban Lumbung Sejahtera) datang."
GOOD = [json.dumps({"id": f"p{n}", "title": "Rapat", "body": PALUS}) for n in range(3)]


def discover(path: Path, *more: str) -> int:
    return admin.main(["synonyms", "discover", "--from-file", str(path), *more])


def write_lines(path: Path, lines: list[str | bytes]) -> Path:
    path.write_bytes(b"\n".join(x if isinstance(x, bytes) else x.encode() for x in lines) + b"\n")
    return path


def no_traceback(err: str) -> None:
    assert "Traceback" not in err
    assert err.startswith("error: ") or "\nerror: " in err


def test_bad_lines_among_good_ones_are_skipped_counted_and_named(tmp_path, capsys):
    lines = [
        GOOD[0],
        "not json",
        GOOD[1],
        b'{"id": "l1", "title": "Caf\xe9"}',  # Latin-1
        "[1, 2]",
        '{"id": "n1", "title": 5}',
        '{"id": "e1"}',
        GOOD[2],
    ]
    source = write_lines(tmp_path / "articles.ndjson", lines)
    out = tmp_path / "rules.json"

    assert discover(source, "--out", str(out)) == 0

    captured = capsys.readouterr()
    summary = json.loads(captured.out)
    assert summary["articles"] == 3
    assert summary["skipped_lines"] == {"count": 5, "first": [2, 4, 5, 6, 7]}
    assert "skipped 5 line(s)" in captured.err
    assert "line 2 (not JSON)" in captured.err
    assert "line 4 (not UTF-8)" in captured.err
    assert "line 5 (a JSON list, not an object)" in captured.err
    assert json.loads(out.read_text())["synonyms"] == [["palus", "paguyuban lumbung sejahtera"]]


def test_a_byte_order_mark_on_the_first_line_is_no_bad_line(tmp_path, capsys):
    source = write_lines(tmp_path / "bom.ndjson", [b"\xef\xbb\xbf" + GOOD[0].encode(), *GOOD[1:]])
    assert discover(source) == 0
    assert "skipped" not in capsys.readouterr().err


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("array.json", json.dumps([{"id": "a", "title": PALUS}]), "no article in"),
        ("table.csv", "id,title\na1,Rapat Palus\n", "no article in"),
        ("latin.ndjson", '{"id": "a", "title": "Caf\xe9"}\n'.encode("latin-1"), "no article in"),
        ("half.gz", gzip.compress(b"\n".join(x.encode() for x in GOOD))[:40], "cannot read"),
        ("fake.gz", b"\x1f\x8bnot really gzip", "cannot read"),
    ],
)
def test_a_file_with_no_article_in_it_is_an_error_not_a_traceback(
    tmp_path, capsys, name, content, message
):
    source = tmp_path / name
    source.write_bytes(content if isinstance(content, bytes) else content.encode())
    out = tmp_path / "rules.json"

    assert discover(source, "--out", str(out)) == 1

    err = capsys.readouterr().err
    no_traceback(err)
    assert message in err
    assert not out.exists()


@pytest.mark.parametrize(
    ("where", "message"), [("missing.ndjson", "does not exist"), ("", "is a directory")]
)
def test_a_missing_file_or_a_directory_is_an_error_not_a_traceback(
    tmp_path, capsys, where, message
):
    assert discover(tmp_path / where) == 2
    err = capsys.readouterr().err
    no_traceback(err)
    assert message in err


def test_an_output_in_a_folder_that_does_not_exist_is_refused_before_reading(tmp_path, capsys):
    source = write_lines(tmp_path / "articles.ndjson", GOOD)
    assert discover(source, "--out", str(tmp_path / "nowhere" / "x.json")) == 2
    err = capsys.readouterr().err
    no_traceback(err)
    assert "does not exist" in err


def test_the_offline_file_is_checked_as_it_is_and_applies_when_no_rules_are_in_force(
    tmp_path, capsys
):
    source = write_lines(tmp_path / "articles.ndjson", GOOD)
    out = tmp_path / "rules.json"
    assert discover(source, "--out", str(out)) == 0
    data = out.read_bytes()
    assert json.loads(data)["_based_on_version"] is None

    store = InMemoryRulesStore()
    assert service.check(data, lambda ids: set(), store).counts()["synonyms"] == 1
    service.apply(store, data, "cli:ana", lambda ids: set())
    assert store.current().rules["synonyms"] == [["palus", "paguyuban lumbung sejahtera"]]
