"""The cursor key: the secret behind CURSOR_SECRET_ARN read at run time, else CURSOR_SECRET."""

from __future__ import annotations

import pytest
from cariberita.errors import ConfigurationError
from cariberita.search.settings import SearchSettings

ARN = "arn:aws:secretsmanager:ap-southeast-3:123456789012:secret:cursor-AbCdEf"
BASE = {"OPENSEARCH_ENDPOINT": "http://x:9200"}


def test_deployed_the_key_is_the_secret_read_at_each_use(monkeypatch):
    stored = {ARN: "k" * 48}
    monkeypatch.setattr("cariberita.secrets.secret_string", lambda arn: stored[arn])
    settings = SearchSettings.from_env({**BASE, "CURSOR_SECRET_ARN": ARN})

    assert settings.cursor_key() == "k" * 48
    stored[ARN] = "r" * 48  # rotated (Powertools' cache expires it within SECRET_TTL_S)
    assert settings.cursor_key() == "r" * 48


def test_locally_the_key_is_cursor_secret():
    settings = SearchSettings.from_env({**BASE, "CURSOR_SECRET": "s" * 32})
    assert settings.cursor_key() == "s" * 32


def test_one_of_the_two_is_required():
    with pytest.raises(ConfigurationError, match="CURSOR_SECRET_ARN"):
        SearchSettings.from_env(BASE)
