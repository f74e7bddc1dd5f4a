"""``cariberita-admin insights`` and ``rules rollback`` on bad input: a message, a non-zero exit,
never a traceback (no node needed: both fail before any request)."""

from __future__ import annotations

import pytest
from cariberita import admin
from cariberita.rules.cli import version_number


def insights(path) -> int:
    return admin.main(["insights", "--analytics-file", str(path)])


def test_insights_on_a_directory_is_an_error(tmp_path, capsys):
    assert insights(tmp_path) == 1
    err = capsys.readouterr().err
    assert err == f"error: {tmp_path} is a directory, not the analytics file\n"


def test_insights_on_a_file_that_is_not_utf8_is_an_error(tmp_path, capsys):
    log = tmp_path / "search.log"
    log.write_bytes(b'{"message": "search", "query": "caf\xe9", "hits": 1}\n')
    assert insights(log) == 1
    err = capsys.readouterr().err
    assert err == f"error: {log} is not UTF-8 text, so not the search log the local stack writes\n"


def test_insights_on_a_missing_file_is_still_an_error(tmp_path, capsys):
    assert insights(tmp_path / "none.log") == 1
    assert "no analytics file" in capsys.readouterr().err


@pytest.mark.parametrize("typed", ["²", "٣", "1.5", "-1", "v6", "1" * 5000, ""])
def test_rollback_to_something_that_is_not_a_version_number_is_an_error(typed, monkeypatch, capsys):
    monkeypatch.setenv("OPENSEARCH_ENDPOINT", "http://127.0.0.1:9")
    assert admin.main(["rules", "rollback", typed]) == 2
    err = capsys.readouterr().err
    assert err == "error: rules rollback needs a VERSION number (e.g. 6)\n"


@pytest.mark.parametrize(("typed", "number"), [("6", 6), ("0", 0), ("012", 12)])
def test_a_version_number_is_ascii_digits(typed, number):
    assert version_number(typed) == number
