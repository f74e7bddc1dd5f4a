"""What the local stack gives the search function: the CORS origin of the port the API really
listens on (``--api-port 0`` included), and the editors' page's ``days`` checked."""

from __future__ import annotations

import os
from dataclasses import dataclass

import pytest
from cariberita_local.api_server import BadLocalRequest
from cariberita_local.stack import LocalStack, StackConfig, insights_days

SET_BY_THE_STACK = (
    "CORS_ALLOWED_ORIGINS",
    "CURSOR_SECRET",
    "POWERTOOLS_SERVICE_NAME",
    "POWERTOOLS_TRACE_DISABLED",
    "POWERTOOLS_METRICS_DISABLED",
    "POWERTOOLS_LOG_LEVEL",
    "RULES_TTL_S",
    "OPENSEARCH_ENDPOINT",
    "ARTICLES_INDEX",
    "REPORTS_PREFIX",
    "CARIBERITA_ANALYTICS_FILE",
)


@dataclass
class BoundApi:
    """The one thing the stack reads from the bound API: its port."""

    port: int


@pytest.fixture
def environment(monkeypatch, tmp_path):
    # monkeypatch puts every one of these back (or removes it) after the test. Set first: a
    # delenv of a name that is not set records nothing, so what the stack sets would outlive
    # the test (an unreachable OPENSEARCH_ENDPOINT for every later test that starts the node).
    for name in SET_BY_THE_STACK:
        monkeypatch.setenv(name, "")
        monkeypatch.delenv(name)
    stack = LocalStack(
        StackConfig(api_port=0, analytics_file=str(tmp_path / "search.jsonl")),
        opensearch_endpoint="http://127.0.0.1:9",
    )
    return stack


def test_cors_names_the_port_the_api_is_bound_to_not_port_zero(environment):
    stack = environment
    stack._configure_environment()
    assert ":0" not in os.environ.get("CORS_ALLOWED_ORIGINS", "")
    stack._allow_api_origin(BoundApi(port=54321))
    assert os.environ["CORS_ALLOWED_ORIGINS"] == "http://127.0.0.1:54321,http://localhost:54321"


def test_an_origin_already_in_the_environment_wins(environment, monkeypatch):
    monkeypatch.setenv("CORS_ALLOWED_ORIGINS", "https://situs.example.id")
    environment._configure_environment()
    environment._allow_api_origin(BoundApi(port=54321))
    assert os.environ["CORS_ALLOWED_ORIGINS"] == "https://situs.example.id"


@pytest.mark.parametrize(("given", "days"), [(None, 7), ("1", 1), ("30", 30), ("366", 366)])
def test_insights_days_is_a_number_of_days(given, days):
    assert insights_days({} if given is None else {"days": [given]}) == days


@pytest.mark.parametrize("given", ["abc", "0", "-1", "1.5", "367", "٣", "", "1e3", "9" * 400])
def test_insights_days_that_is_not_a_number_of_days_is_refused(given):
    with pytest.raises(BadLocalRequest, match="1 sampai 366"):
        insights_days({"days": [given]})
