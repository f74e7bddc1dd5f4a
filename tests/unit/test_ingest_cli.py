"""cariberita-batch validate: the same report as the handler, clear messages, exit codes."""

from __future__ import annotations

import json

from cariberita.batch_cli import main

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
