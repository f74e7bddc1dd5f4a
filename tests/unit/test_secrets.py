"""Secrets are read by ARN through Powertools' cache, so a rotation is seen within the TTL."""

from __future__ import annotations

import time
from typing import Any

import pytest
from aws_lambda_powertools.utilities import parameters
from aws_lambda_powertools.utilities.parameters.base import BaseProvider
from cariberita.errors import ConfigurationError
from cariberita.secrets import SECRET_TTL_S, secret_string

ARN = "arn:aws:secretsmanager:ap-southeast-3:123456789012:secret:cursor-AbCdEf"


class FakeSecrets(BaseProvider):
    """Secrets Manager in memory: Powertools' own caching runs on top of it."""

    def __init__(self, value: Any) -> None:
        super().__init__()
        self.value = value
        self.reads: list[str] = []

    def _get(self, name: str, **sdk_options: Any) -> Any:
        self.reads.append(name)
        return self.value

    def _get_multiple(self, path: str, **sdk_options: Any) -> dict[str, Any]:
        raise NotImplementedError


def test_reads_the_secret_by_its_arn():
    secrets = FakeSecrets("k" * 48)
    assert secret_string(ARN, provider=secrets) == "k" * 48
    assert secrets.reads == [ARN]


def test_within_the_ttl_the_cached_value_is_used():
    secrets = FakeSecrets("old-key-old-key-old")
    secret_string(ARN, provider=secrets)
    secrets.value = "new-key-new-key-new"
    assert secret_string(ARN, provider=secrets) == "old-key-old-key-old"
    assert len(secrets.reads) == 1


def test_a_rotation_is_seen_once_the_ttl_has_passed():
    secrets = FakeSecrets("old-key-old-key-old")
    secret_string(ARN, provider=secrets, max_age_s=1)
    secrets.value = "new-key-new-key-new"
    time.sleep(1.1)
    assert secret_string(ARN, provider=secrets, max_age_s=1) == "new-key-new-key-new"
    assert len(secrets.reads) == 2


def test_the_default_ttl_is_five_minutes():
    assert SECRET_TTL_S == 300


def test_production_reads_through_powertools_get_secret(monkeypatch):
    # Powertools documents DEFAULT_PROVIDERS as the place to put a fake for get_secret.
    secrets = FakeSecrets("k" * 48)
    monkeypatch.setitem(parameters.base.DEFAULT_PROVIDERS, "secrets", secrets)
    assert secret_string(ARN) == "k" * 48
    secrets.value = "other"
    assert secret_string(ARN) == "k" * 48  # cached with max_age, not read again
    assert secrets.reads == [ARN]


@pytest.mark.parametrize("value", ["", b"binary-secret"])
def test_an_empty_or_binary_secret_is_a_configuration_error(value):
    with pytest.raises(ConfigurationError, match="holds no text"):
        secret_string(ARN, provider=FakeSecrets(value))
