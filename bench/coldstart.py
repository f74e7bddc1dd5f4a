"""4. Cold start: importing each function's handler module in a fresh interpreter, against
importing only the third-party packages that function needs, pair by pair."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import Any

from cariberita_local.lambda_runtime import FUNCTIONS, handler_path

from bench.context import Context
from bench.env import ROOT
from bench.results import Section, Table, Target, evaluate
from bench.stats import pairwise_ratios, summarise

TITLE = "4. Cold start (fresh interpreter, import only)"
GOAL = "handler import adds ≤ 20% (time) over its essential dependencies"

LAYER = ROOT / "layers" / "shared"  # /opt/python in Lambda
# Tracing is on in the template, so the X-Ray SDK that Tracer() loads is a cost we chose to pay.
_POWERTOOLS = "from aws_lambda_powertools import Logger, Metrics, Tracer; import aws_xray_sdk.core"
# What each function cannot do without; anything the handler imports beyond this is our cost.
ESSENTIAL: dict[str, list[str]] = {
    "search": [
        "import opensearchpy",
        "import pydantic",
        _POWERTOOLS,
        "from aws_lambda_powertools.event_handler import APIGatewayRestResolver",
        # Typed, validated query parameters (enable_validation) are how the API is built.
        "from aws_lambda_powertools.event_handler.openapi.params import Query",
    ],
    "ingest": [
        "import opensearchpy",
        "import opensearchpy.helpers",
        "import pydantic",
        "import boto3",
        _POWERTOOLS,
        "from aws_lambda_powertools.utilities.batch import BatchProcessor",
    ],
    "bootstrap": ["import opensearchpy", "import pydantic", _POWERTOOLS],
}
# Imported on a path only when that path needs them; their presence elsewhere is flagged.
HEAVY = {"boto3", "botocore", "requests", "grpc", "numpy", "pandas", "aws_xray_sdk", "moto"}

_PROBE = """
import json, sys, time
def hwm_mb():
    # VmHWM starts afresh at exec; ru_maxrss would carry the parent's peak over.
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
t0 = time.perf_counter()
{imports}
t1 = time.perf_counter()
print(json.dumps({{"import_ms": (t1 - t0) * 1000,
  "maxrss_mb": hwm_mb(),
  "modules": sorted({{m.split(".")[0] for m in sys.modules}})}}))
"""


def _child_env() -> dict[str, str]:
    env = dict(os.environ)
    # As deployed: tracing on (the template enables it), no bench-only switches.
    env.pop("POWERTOOLS_TRACE_DISABLED", None)
    env.pop("PYTHONPATH", None)
    return env


def probe(imports: list[str], cwd: str | None = None, importtime: bool = False) -> dict[str, Any]:
    """Run the import lines in a fresh interpreter; time, peak RSS and top-level modules."""
    code = _PROBE.format(imports="\n".join(imports))
    args = [sys.executable, *(["-X", "importtime"] if importtime else []), "-c", code]
    proc = subprocess.run(  # noqa: S603 - our own interpreter and code
        args, capture_output=True, text=True, timeout=120, cwd=cwd, env=_child_env()
    )
    if proc.returncode != 0:
        raise RuntimeError(f"import failed: {proc.stderr[-1500:]}")
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    if importtime:
        result["importtime"] = heaviest_imports(proc.stderr)
    return result


def heaviest_imports(stderr: str, top: int = 8) -> list[tuple[str, float]]:
    """Top-level packages by summed *self* import time (ms) from ``-X importtime`` output, so a
    package is charged for its own modules wherever in the tree they were imported."""
    totals: dict[str, float] = {}
    for line in stderr.splitlines():
        if not line.startswith("import time:") or line.count("|") != 2:
            continue
        own, _, name = line.split(":", 1)[1].split("|")
        if not own.strip().isdigit():
            continue  # the header line
        package = name.strip().split(".")[0]
        totals[package] = totals.get(package, 0.0) + int(own) / 1000
    return sorted(totals.items(), key=lambda kv: -kv[1])[:top]


def _handler_imports(function: str) -> list[str]:
    # As in Lambda: the function's folder first, the layer (/opt/python) next, then ``import app``.
    return [
        f"sys.path[:0] = [{str(FUNCTIONS / function)!r}, {str(LAYER)!r}]",
        "import app",
    ]


def run(ctx: Context) -> Section:
    section = Section("coldstart", TITLE)
    functions = [f for f in ESSENTIAL if handler_path(f).is_file()]
    if not functions:
        section.status = "skipped"
        section.reason = "no functions/<name>/app.py exists yet"
        return section
    rows = []
    for function in functions:
        ours: list[dict[str, Any]] = []
        base: list[dict[str, Any]] = []
        for i in range(ctx.profile.coldstart_runs):
            first, second = (ours, base) if i % 2 == 0 else (base, ours)
            for target in (first, second):
                lines = _handler_imports(function) if target is ours else ESSENTIAL[function]
                target.append(probe(lines))
        traced = probe(_handler_imports(function), importtime=True)
        time_ratio = summarise(
            pairwise_ratios([o["import_ms"] for o in ours], [b["import_ms"] for b in base])
        )
        rss_ratio = summarise(
            pairwise_ratios([o["maxrss_mb"] for o in ours], [b["maxrss_mb"] for b in base])
        )
        extra = sorted(set(ours[0]["modules"]) - set(base[0]["modules"]))
        heavy = sorted(HEAVY & set(extra))
        rows.append(
            [
                function,
                summarise([o["import_ms"] for o in ours]).text("{:.0f}"),
                summarise([b["import_ms"] for b in base]).text("{:.0f}"),
                f"{(time_ratio.median - 1) * 100:+.0f}% (IQR {(time_ratio.q1 - 1) * 100:+.0f}–"
                f"{(time_ratio.q3 - 1) * 100:+.0f}%)",
                summarise([o["maxrss_mb"] for o in ours]).text("{:.1f}"),
                summarise([b["maxrss_mb"] for b in base]).text("{:.1f}"),
                f"{(rss_ratio.median - 1) * 100:+.0f}%",
                ", ".join(heavy) or "none",
            ]
        )
        section.targets.append(
            evaluate(
                f"{function}: import overhead ≤ 20%",
                GOAL,
                (time_ratio.median - 1) * 100,
                "<=",
                20.0,
                "{:+.0f}%",
            )
        )
        section.targets.append(
            Target(
                f"{function}: nothing heavy it does not use",
                "no boto3/botocore/requests/grpc/... beyond its essentials",
                ", ".join(heavy) or "none",
                not heavy,
            )
        )
        section.notes.append(
            f"`{function}` heaviest packages by own import time (ms): "
            + ", ".join(f"{n} {ms:.0f}" for n, ms in traced["importtime"])
        )
        section.notes.append(
            f"`{function}` modules beyond its essentials: {', '.join(extra) or 'none'}"
        )
        section.raw[function] = {
            "handler": ours,
            "essential": base,
            "essential_imports": ESSENTIAL[function],
            "importtime_top": traced["importtime"],
        }
        for runs in (ours, base):
            for r in runs:
                r.pop("modules", None)
    section.tables.insert(
        0,
        Table(
            [
                "function",
                "handler import ms",
                "essentials ms",
                "overhead (pairwise)",
                "handler peak RSS MB",
                "essentials RSS MB",
                "RSS overhead",
                "heavy extras",
            ],
            rows,
            caption=f"{ctx.profile.coldstart_runs} fresh interpreters each, alternating; "
            "median (IQR)",
        ),
    )
    section.notes.insert(
        0,
        "Essentials per function: "
        + "; ".join(f"{f}: `{'; '.join(ESSENTIAL[f])}`" for f in functions),
    )
    return section
