"""cariberita-batch: options that cannot work are refused with a message and exit 2.

Found by a review: ``upload --key batch.ndjson`` (outside ``uploads/``) exited 0 and promised a
report that never comes, and ``validate --category-map`` crashed on a bad map while ``--show``
ignored a good one.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cariberita import storage
from cariberita.batch_cli import main

from tests.support.paths import SAMPLES

BATCH = SAMPLES / "batch-berita.ndjson"


@pytest.fixture
def uploads(monkeypatch) -> list[tuple[str, str]]:
    """Where the CLI uploaded (bucket, key); nothing leaves the machine."""
    sent: list[tuple[str, str]] = []

    def upload_file(path: Path, bucket: str, key: str, s3: object = None) -> None:
        sent.append((bucket, key))

    monkeypatch.setattr(storage, "upload_file", upload_file)
    return sent


@pytest.mark.parametrize(
    ("key", "suggested"),
    [
        ("batch.ndjson", "uploads/batch.ndjson"),
        ("reports/batch.ndjson", "uploads/batch.ndjson"),
        ("rules/aturan.json", "uploads/aturan.json"),
        ("/uploads/batch.ndjson", "uploads/batch.ndjson"),
        ("uploads", "uploads/uploads"),
        ("uploads/", "uploads/batch-berita.ndjson"),  # a folder, not an object
    ],
)
def test_upload_refuses_a_key_outside_the_upload_prefix(uploads, capsys, key, suggested):
    code = main(["upload", str(BATCH), "--bucket", "b", "--key", key])

    err = capsys.readouterr().err
    assert code == 2
    assert uploads == []
    assert "only objects under uploads/ are ingested" in err
    assert f"--key {suggested}" in err
    assert "ingest report will be at" not in err


@pytest.mark.parametrize(
    ("options", "key"),
    [
        ([], "uploads/batch-berita.ndjson"),
        (["--key", "uploads/2024/maret.ndjson"], "uploads/2024/maret.ndjson"),
        (["--upload-prefix", "berita/", "--key", "berita/a.ndjson"], "berita/a.ndjson"),
        (["--upload-prefix", "berita/"], "berita/batch-berita.ndjson"),
    ],
)
def test_upload_sends_keys_under_the_upload_prefix(uploads, capsys, options, key):
    assert main(["upload", str(BATCH), "--bucket", "b", *options]) == 0
    assert uploads == [("b", key)]
    assert f"s3://b/reports/{key}.json" in capsys.readouterr().err


@pytest.mark.parametrize("prefix", ["", "uploads", "/uploads/", "Uploads/", "reports/", "rules/"])
def test_upload_refuses_an_upload_prefix_no_stack_can_have(uploads, capsys, prefix):
    code = main(["upload", str(BATCH), "--bucket", "b", "--upload-prefix", prefix])
    assert (code, uploads) == (2, [])
    assert "--upload-prefix" in capsys.readouterr().err


def _write(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


@pytest.mark.parametrize(
    ("make", "reason"),
    [
        (lambda tmp: str(tmp / "tidak-ada.json"), "no such file"),
        (lambda tmp: str(tmp), "is a directory"),
        (lambda tmp: _write(tmp, "array.json", "[1, 2]"), "a category map is a JSON object"),
        (lambda tmp: _write(tmp, "angka.json", '{"Bola": 5}'), "'Bola' must be a non-empty"),
        (lambda tmp: _write(tmp, "rusak.json", "{"), "not JSON"),
        (lambda tmp: _write(tmp, "dalam.json", "[" * 100_000), "nested too deeply"),
        (
            lambda tmp: _write(
                tmp,
                "aturan.json",
                json.dumps({"synonyms": [["a", "b"]], "categories": {"Sports": "Bola"}}),
            ),
            "editors' rules file",
        ),
    ],
    ids=["missing", "directory", "array", "number", "not-json", "deep", "rules-file"],
)
def test_validate_refuses_a_bad_category_map_with_a_message(tmp_path, capsys, make, reason):
    given = make(tmp_path)

    code = main(["validate", "--quiet", str(BATCH), "--category-map", given])

    out, err = capsys.readouterr()
    assert code == 2
    assert out == ""
    assert f"--category-map {given}: " in err and reason in err
    assert "Traceback" not in err


def test_validate_show_applies_the_given_category_map_as_ingest_would(tmp_path, capsys):
    mapping = _write(tmp_path, "peta.json", json.dumps({"Politik": "Pemerintahan"}))

    assert main(["validate", "--show", str(BATCH), "--category-map", mapping]) == 0

    out, err = capsys.readouterr()
    assert "category=['Politik', 'Pemerintahan']" in err  # line 1 of the batch
    assert "category=['BERITA UTAMA', 'HUKRIM']" in err  # the bundled map would add a level
    assert "Hukum & Kriminal" not in err + out
