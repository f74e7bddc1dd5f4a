"""Tracing is imported only where it can trace: the X-Ray SDK costs ~0.3 s of a cold start."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from cariberita.observability import NoTracer, make_tracer, tracing_enabled

ROOT = Path(__file__).resolve().parents[2]
IN_LAMBDA = {"LAMBDA_TASK_ROOT": "/var/task"}


@pytest.mark.parametrize(
    ("env", "enabled"),
    [
        (IN_LAMBDA, True),
        ({**IN_LAMBDA, "POWERTOOLS_TRACE_DISABLED": "true"}, False),
        ({**IN_LAMBDA, "POWERTOOLS_TRACE_DISABLED": "1"}, False),
        ({**IN_LAMBDA, "POWERTOOLS_TRACE_DISABLED": "false"}, True),
        ({**IN_LAMBDA, "AWS_SAM_LOCAL": "true"}, False),
        ({}, False),  # outside Lambda: no X-Ray daemon
    ],
)
def test_tracing_follows_powertools_rule(env, enabled):
    assert tracing_enabled(env) is enabled


def test_the_no_op_tracer_returns_each_function_unchanged():
    tracer = make_tracer(False)

    def handler(event, context):
        return event

    assert isinstance(tracer, NoTracer)
    assert tracer.capture_lambda_handler(handler) is handler
    assert tracer.capture_lambda_handler(capture_response=False)(handler) is handler
    assert tracer.capture_method(handler) is handler
    assert tracer.capture_method(capture_response=False)(handler) is handler


@pytest.mark.parametrize(("disabled", "loaded"), [("true", False), ("false", True)])
def test_the_search_function_imports_the_xray_sdk_only_when_tracing(disabled, loaded):
    env = {**os.environ, **IN_LAMBDA, "POWERTOOLS_TRACE_DISABLED": disabled}
    code = (
        f"import sys; sys.path[:0] = [{str(ROOT / 'functions' / 'search')!r}]; import app; "
        "print('aws_xray_sdk.core' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    )
    assert out.stdout.strip().splitlines()[-1] == str(loaded)


def test_the_search_function_never_loads_the_html_parser():
    # Only ingest strips markup from bodies; html.parser compiles ~15 patterns at import
    # (3-9 ms of a cold start) that searching never uses (articles/markup.py).
    env = {**os.environ, **IN_LAMBDA, "POWERTOOLS_TRACE_DISABLED": "true"}
    code = (
        f"import sys; sys.path[:0] = [{str(ROOT / 'functions' / 'search')!r}]; import app; "
        "print('html.parser' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    )
    assert out.stdout.strip().splitlines()[-1] == "False"


def test_log_lines_are_the_json_powertools_default_would_write():
    import json
    from dataclasses import dataclass
    from datetime import UTC, date, datetime

    from cariberita.observability import log_line

    @dataclass
    class Point:
        x: int

    record = {
        "level": "INFO",
        "message": "search",
        "query": "banjir di jalan tol cipularang — pukul 07.00",
        "filters": {"category": ["nasional"], "date_from": date(2024, 3, 1)},
        "at": datetime(2024, 3, 1, 10, 0, tzinfo=UTC),
        "latency_ms": 12.3,
        "hits": 0,
        "point": Point(1),
        "cursor": None,
    }
    powertools_default = json.dumps(record, default=str, separators=(",", ":"), ensure_ascii=False)
    assert log_line(record) == powertools_default
