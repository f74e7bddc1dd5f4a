"""Ingest settings: safe defaults, a reports prefix that cannot escape, one readable error."""

from __future__ import annotations

import pytest
from cariberita.errors import ConfigurationError
from cariberita.ingest.settings import IngestSettings

ENDPOINT = {"OPENSEARCH_ENDPOINT": "http://127.0.0.1:9200"}


def test_defaults():
    settings = IngestSettings.from_env(ENDPOINT)
    assert settings.reports_prefix == "reports/"
    assert settings.bulk_max_bytes == 5_000_000
    assert settings.limits.max_record_bytes == 1_000_000


def test_reports_prefix_is_normalised():
    assert (
        IngestSettings.from_env({**ENDPOINT, "REPORTS_PREFIX": "/laporan"}).reports_prefix
        == "laporan/"
    )


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("REPORTS_PREFIX", "../x/"),
        ("BULK_MAX_BYTES", "10"),
        ("BULK_MAX_BYTES", "lima"),
        ("REPORTS_PREFIX", "/"),
    ],
)
def test_bad_values_fail_at_entry_naming_the_variable(name, value):
    with pytest.raises(ConfigurationError, match=name):
        IngestSettings.from_env({**ENDPOINT, name: value})
