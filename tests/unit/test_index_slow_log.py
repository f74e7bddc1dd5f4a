"""The articles index logs slow searches: index_body sets the search slow-log thresholds.

OpenSearch's defaults (-1) log nothing, so the slow log the template publishes to CloudWatch,
and the runbooks point operators at, stayed empty.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from cariberita.index import manager
from cariberita.index.mapping import SEARCH_SLOW_LOG, index_body
from cariberita.search.settings import SearchSettings

PHASES = ("query", "fetch")
LEVELS = ("warn", "info")


def millis(value: str) -> float:
    number, unit = re.fullmatch(r"(\d+)(ms|s)", value).groups()  # type: ignore[union-attr]
    return int(number) * (1000 if unit == "s" else 1)


def test_a_new_index_carries_search_slow_log_thresholds_for_both_phases_and_levels():
    settings = index_body()["settings"]["index"]
    for phase in PHASES:
        for level in LEVELS:
            key = f"search.slowlog.threshold.{phase}.{level}"
            assert settings[key] == SEARCH_SLOW_LOG[key]


@pytest.mark.parametrize("phase", PHASES)
def test_each_phase_logs_info_before_warn_and_warns_well_before_a_timeout(phase):
    info = millis(SEARCH_SLOW_LOG[f"search.slowlog.threshold.{phase}.info"])
    warn = millis(SEARCH_SLOW_LOG[f"search.slowlog.threshold.{phase}.warn"])
    typical_ms = 30  # the slow end of a typical search on the node
    budget_ms = SearchSettings.model_fields["search_timeout_ms"].default
    assert typical_ms < info < warn < budget_ms


def as_read_back(flat: dict[str, str]) -> dict[str, Any]:
    """Settings as GET _settings returns them: a dotted name nested, one level per part."""
    stored: dict[str, Any] = {"number_of_replicas": "0"}
    for key, value in flat.items():
        *parents, last = key.split(".")
        node = stored
        for part in parents:
            node = node.setdefault(part, {})
        node[last] = value
    return stored


def test_settings_read_back_with_every_threshold_need_no_change():
    assert manager.slow_log_changes(as_read_back(SEARCH_SLOW_LOG)) == {}


def test_an_index_from_before_the_thresholds_gets_all_of_them():
    assert manager.slow_log_changes({"number_of_replicas": "0"}) == SEARCH_SLOW_LOG


def test_a_threshold_set_otherwise_is_set_back():
    warn = "search.slowlog.threshold.query.warn"
    assert manager.slow_log_changes(as_read_back({**SEARCH_SLOW_LOG, warn: "5s"})) == {
        warn: SEARCH_SLOW_LOG[warn]
    }
