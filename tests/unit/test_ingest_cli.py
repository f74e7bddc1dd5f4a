"""cariberita-batch validate: the same report as the handler, clear messages, exit codes."""

from __future__ import annotations

import gzip
import json

import pytest
from cariberita.batch_cli import main
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.support.paths import SAMPLES


def test_validate_a_good_batch_exits_0_and_prints_the_report(capsys):
    assert main(["validate", str(SAMPLES / "batch-berita.ndjson")]) == 0
    out, err = capsys.readouterr()
    report = json.loads(out)
    assert report["dry_run"] is True
    assert report["counts"]["valid"] == 24
    assert "24 valid, 0 rejected" in err


def test_validate_a_broken_batch_exits_1_and_names_each_bad_line(capsys):
    assert main(["validate", str(SAMPLES / "batch-rusak.ndjson")]) == 1
    out, err = capsys.readouterr()
    assert json.loads(out)["counts"]["rejected"] == 5
    assert "line 2: title: required field is missing" in err
    assert "line 4: invalid JSON" in err
    assert "line 5: published_at: unreadable date 'kemarin sore'" in err
    assert "line 7: body: must not be empty" in err
    assert "line 8: record: an article is a JSON object, got list" in err


def test_validate_names_an_id_the_batch_repeats(tmp_path, capsys):
    path = tmp_path / "dua-kali.ndjson"
    record = {"id": "sama-1", "title": "Judul", "body": "Isi berita.", "published_at": "2024-03-01"}
    path.write_text(json.dumps(record) + "\n" + json.dumps(record) + "\n", encoding="utf-8")
    assert main(["validate", str(path)]) == 0  # not an error: the newer copy is kept
    out, err = capsys.readouterr()
    assert json.loads(out)["repeated"] == [{"line": 2, "id": "sama-1", "first": 1}]
    assert "line 2: id 'sama-1' again (line 1)" in err


def test_validate_the_real_seed_page_shows_what_will_be_indexed(article_data_dir, capsys):
    page = article_data_dir / "samples" / "mojokerto-pelayanan-publik.txt"
    assert main(["validate", "--quiet", "--show", str(page)]) == 0
    _, err = capsys.readouterr()
    assert "text, 1 record(s), 1 valid, 0 rejected" in err
    assert "published_at=2024-02-19T20:04:00+07:00" in err
    assert "author='jekyridwan'" in err
    assert "'BERITA UTAMA', 'HUKRIM'" in err


def test_validate_an_unreadable_file_says_why(tmp_path, capsys):
    path = tmp_path / "rusak.json"
    path.write_text('[{"title": "a"', encoding="utf-8")
    assert main(["validate", "--quiet", str(path)]) == 1
    assert "cannot be read: invalid JSON" in capsys.readouterr().err


def test_a_missing_file_exits_2(tmp_path, capsys):
    assert main(["validate", str(tmp_path / "tidak-ada.ndjson")]) == 2
    assert "no such file" in capsys.readouterr().err


HOSTILE = [
    b'{"id": "a", "title": "T", "body": "B", "n": ' + b"9" * 5_000 + b"}\n",
    b'[{"title": "T", "body": "B"}, {"title": ',
    b"[" * 50_000,
    b'{"title": "T", "body": "B", "category": "'
    + b"/".join(b"level-%d" % n for n in range(20_000))
    + b'"}\n',
    b'{"title": "T", "body": "B", "published_at": "' + b"x" * 100_000 + b'"}\n',
    b'id,title,body\n1,"T,B\n2,T,B\n',
    b"\n" * 100_000,
    b"\x1f\x8b\x08\x00",
    b"\x00\x01\x02" * 100,
]


def _validate_bytes(tmp_path, data: bytes, name: str, capsys) -> tuple[int, dict]:
    path = tmp_path / name
    path.write_bytes(data)
    code = main(["validate", "--show", str(path)])
    out, err = capsys.readouterr()
    assert err
    return code, json.loads(out)


@settings(
    max_examples=300,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    data=st.one_of(st.binary(max_size=3_000), st.sampled_from(HOSTILE)),
    suffix=st.sampled_from((".ndjson", ".json", ".csv", ".txt", ".html", "", ".ndjson.gz")),
    cut=st.integers(0, 3_000),
)
def test_validate_never_crashes_on_hostile_bytes(tmp_path, capsys, data, suffix, cut):
    if suffix.endswith(".gz"):
        data = gzip.compress(data)[: max(cut, 1)]
    code, report = _validate_bytes(tmp_path, data, "hostile" + suffix, capsys)
    assert code in (0, 1)
    assert (code == 0) == (report["status"] == "ok")
    counts = report["counts"]
    assert counts["received"] == counts["valid"] + counts["rejected"] + counts["not_read"]
    assert len(json.dumps(report)) < 1_000_000


@pytest.mark.parametrize("data", HOSTILE)
def test_validate_reports_each_known_hostile_file(tmp_path, capsys, data):
    code, report = _validate_bytes(tmp_path, data, "hostile.ndjson", capsys)
    assert code == 1 and report["status"] != "ok"


@pytest.mark.parametrize("name", ["a.ndjson", "a.csv", "a.txt", "a.json", "a.html"])
def test_an_empty_file_is_empty_whatever_its_format(tmp_path, capsys, name):
    code, report = _validate_bytes(tmp_path, b"", name, capsys)
    assert (code, report["status"], report["error"]) == (1, "empty", None)


def test_validate_a_batch_with_a_lone_surrogate_in_an_id_prints_its_report(tmp_path, capsys):
    batch = tmp_path / "b.ndjson"
    good = json.dumps({"id": "a-1", "title": "Judul", "body": "Isi."})
    batch.write_text(good + '\n{"id": "\\ud800", "title": "T", "body": "B"}\n')
    assert main(["validate", str(batch)]) == 1
    out, _ = capsys.readouterr()
    out.encode("utf-8")
    counts = json.loads(out)["counts"]
    assert (counts["valid"], counts["rejected"]) == (1, 1)
