"""4. Cold start: each function as a fresh interpreter, against the bare libraries, pair by pair.

Two measurements per function, both with tracing off (as Powertools decides outside a traced
Lambda): *import* (``import app``) against a bare ``import opensearchpy, pydantic``, and for the
search function *init*, the import plus its first invocation against the local node, against the
bare import plus one raw client request of the same body. The baseline holds none of our choices
(Powertools, the X-Ray SDK, botocore), so whatever we import shows as overhead. One more import
with tracing on shows what the X-Ray SDK costs where tracing is enabled, and one of the libraries
the search function is built on, without any of our code, shows how much of the ratio is theirs.

Our package is imported from bytecode, as the layer ships it (layers/shared/Makefile compiles it
for the runtime's Python) and as the libraries in the virtualenv are: it is compiled before the
probes, so a session that does not write bytecode (PYTHONDONTWRITEBYTECODE) does not measure
compiling our sources at every probe.
"""

from __future__ import annotations

import compileall
import json
import os
import re
import subprocess
import sys
from typing import Any

from cariberita_local.lambda_runtime import FUNCTIONS, api_gateway_event, handler_path

from bench.context import Context
from bench.env import ROOT, load_handler
from bench.events import bench_context, quiet
from bench.results import Section, Table, Target, evaluate
from bench.stats import pairwise_ratios, summarise

TITLE = "4. Cold start (fresh interpreter: import, and import + first search)"
GOAL = "search import ≤ 1.6× a bare `import opensearchpy, pydantic`"
TARGET_RATIO = 1.6

LAYER = ROOT / "layers" / "shared"  # /opt/python in Lambda
BASELINE = ["import opensearchpy", "import pydantic"]
# The libraries the search function is built on, none of our code: Powertools' resolver with
# OpenAPI parameters, Logger and Metrics, and pydantic models (``import pydantic`` alone loads
# almost nothing of pydantic). The search ratio cannot go below theirs while it uses them.
LIBRARIES = [
    *BASELINE,
    "from aws_lambda_powertools import Logger, Metrics",
    "from aws_lambda_powertools.event_handler import APIGatewayRestResolver",
    "from aws_lambda_powertools.event_handler.openapi.params import Query",
    "from pydantic import BaseModel",
    "import orjson",
]
FUNCTION_NAMES = ("search", "ingest", "bootstrap")
# Imported on a path only when that path needs them; their presence elsewhere is flagged. A
# module, not a package: Powertools' user agent imports the bare ``botocore`` package (< 1 ms),
# a botocore session or client is the cost (tens of ms).
HEAVY = {
    "boto3": "boto3",
    "botocore": "botocore.session",
    "aws_xray_sdk": "aws_xray_sdk.core",
    "requests": "requests",
    "grpc": "grpc",
    "numpy": "numpy",
    "pandas": "pandas",
    "moto": "moto",
}
INIT_QUERY = {"q": "banjir jakarta"}

_PROBE = """
import json, sys, time
def hwm_mb():
    # VmHWM starts afresh at exec; ru_maxrss would carry the parent's peak over.
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
class Context:
    function_name = "cariberita-coldstart"
    memory_limit_in_mb = 1024
    invoked_function_arn = "arn:aws:lambda:local:0:function:cariberita-coldstart"
    aws_request_id = "coldstart"
    def get_remaining_time_in_millis(self):
        return 30000
args = json.loads({args!r})
t0 = time.perf_counter()
{imports}
t1 = time.perf_counter()
{first_call}
t2 = time.perf_counter()
print(json.dumps({{"import_ms": (t1 - t0) * 1000, "init_ms": (t2 - t0) * 1000,
  "maxrss_mb": hwm_mb(),
  "modules": sorted(sys.modules)}}))
"""
_HANDLER_CALL = """
response = app.lambda_handler(args["event"], Context())
assert response["statusCode"] == 200, response
"""
_RAW_CALL = """
client = opensearchpy.OpenSearch(args["endpoint"], timeout=30)
client.search(index=args["index"], body=args["body"])
"""


def deployed_settings() -> dict[str, str]:
    """The library settings (``PYDANTIC_*``) that template.yaml gives every function (Globals):
    a probe starts as a deployed function would. The bare baseline builds no model, so they
    cost it nothing either way."""
    text = (ROOT / "template.yaml").read_text(encoding="utf-8")
    block = text.split("\nGlobals:", 1)[1].split("\nResources:", 1)[0]
    found = re.findall(r"^ +(PYDANTIC_[A-Z0-9_]+): *([^\s#]+)", block, re.M)
    return {name: value.strip("\"'") for name, value in found}


def _child_env(tracing: bool, extra: dict[str, str] | None = None) -> dict[str, str]:
    env = {**os.environ, **deployed_settings()}
    env.pop("PYTHONPATH", None)
    if tracing:  # as in a Lambda with active tracing (no daemon here: nothing is sent)
        env.pop("POWERTOOLS_TRACE_DISABLED", None)
        env["LAMBDA_TASK_ROOT"] = str(ROOT)
    else:
        env["POWERTOOLS_TRACE_DISABLED"] = "true"
        env.pop("LAMBDA_TASK_ROOT", None)
    return {**env, **(extra or {})}


def probe(
    imports: list[str],
    first_call: str = "",
    args: dict[str, Any] | None = None,
    tracing: bool = False,
    importtime: bool = False,
    env: dict[str, str] | None = None,
) -> dict[str, Any]:
    """Run the import lines (then ``first_call``) in a fresh interpreter; times, peak RSS and
    top-level modules."""
    code = _PROBE.format(
        args=json.dumps(args or {}), imports="\n".join(imports), first_call=first_call or "pass"
    )
    cmd = [sys.executable, *(["-X", "importtime"] if importtime else []), "-c", code]
    proc = subprocess.run(  # noqa: S603 - our own interpreter and code
        cmd, capture_output=True, text=True, timeout=120, env=_child_env(tracing, env)
    )
    if proc.returncode != 0:
        raise RuntimeError(f"probe failed: {proc.stderr[-1500:]}")
    result: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
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


def _alternate(
    runs: int, ours: Any, base: Any
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """``runs`` pairs, the order swapped every pair so neither side always goes first."""
    a: list[dict[str, Any]] = []
    b: list[dict[str, Any]] = []
    for i in range(runs):
        for side in (ours, base) if i % 2 == 0 else (base, ours):
            (a if side is ours else b).append(side())
    return a, b


def _ratio(ours: list[dict[str, Any]], base: list[dict[str, Any]], key: str) -> Any:
    return summarise(pairwise_ratios([o[key] for o in ours], [b[key] for b in base]))


def _init_args(ctx: Context) -> dict[str, Any]:
    """The first search of the init probe and the body the handler sends for it (recorded
    here, in this process), which the baseline sends with a bare client."""
    from bench import corpus_index, search

    alias = corpus_index.ensure(ctx)
    os.environ["OPENSEARCH_ENDPOINT"] = ctx.endpoint
    os.environ["ARTICLES_INDEX"] = alias
    handler = load_handler("search")
    body = None
    if handler is not None:
        with quiet(), search.recording() as seen:
            handler.lambda_handler(api_gateway_event("/search", INIT_QUERY), bench_context())
        body = next((r[3] for r in seen if not search.is_rules_read(r)), None)
    return {
        "event": api_gateway_event("/search", INIT_QUERY),
        "endpoint": ctx.endpoint,
        "index": alias,
        "body": body or {"query": {"match": {"body": INIT_QUERY["q"]}}},
    }


def compile_bytecode(functions: list[str]) -> None:
    """Our package and handlers compiled to bytecode, as the layer ships them."""
    for folder in (LAYER, *(FUNCTIONS / f for f in functions)):
        if not compileall.compile_dir(str(folder), quiet=1):
            raise RuntimeError(f"{folder} does not compile")


def run(ctx: Context) -> Section:
    section = Section("coldstart", TITLE)
    functions = [f for f in FUNCTION_NAMES if handler_path(f).is_file()]
    if not functions:
        section.status = "skipped"
        section.reason = "no functions/<name>/app.py exists yet"
        return section
    compile_bytecode(functions)
    section.notes.append(
        "Our package is imported from bytecode, as the layer ships it (layers/shared/Makefile) "
        "and as the libraries are installed."
    )
    runs = ctx.profile.coldstart_runs
    rows = []
    for function in functions:
        ours, base = _alternate(
            runs, lambda f=function: probe(_handler_imports(f)), lambda: probe(BASELINE)
        )
        traced = [probe(_handler_imports(function), tracing=True) for _ in range(max(1, runs // 2))]
        tree = probe(_handler_imports(function), importtime=True)
        ratio = _ratio(ours, base, "import_ms")
        extra_modules = set(ours[0]["modules"]) - set(base[0]["modules"])
        extra = sorted({m.split(".")[0] for m in extra_modules})
        heavy = sorted(name for name, module in HEAVY.items() if module in extra_modules)
        rows.append(
            [
                function,
                summarise([o["import_ms"] for o in ours]).text("{:.0f}"),
                summarise([b["import_ms"] for b in base]).text("{:.0f}"),
                f"{ratio.median:.2f}× (IQR {ratio.q1:.2f}–{ratio.q3:.2f})",
                summarise([t["import_ms"] for t in traced]).text("{:.0f}"),
                summarise([o["maxrss_mb"] for o in ours]).text("{:.1f}"),
                summarise([b["maxrss_mb"] for b in base]).text("{:.1f}"),
                ", ".join(heavy) or "none",
            ]
        )
        if function == "search":
            section.targets.append(
                evaluate(
                    "search import ÷ bare opensearchpy + pydantic (tracing off)",
                    GOAL,
                    ratio.median,
                    "<=",
                    TARGET_RATIO,
                    "{:.2f}×",
                )
            )
        section.targets.append(
            Target(
                f"{function}: nothing heavy at import with tracing off",
                "no aws_xray_sdk/boto3/botocore/requests/... beyond the bare libraries",
                ", ".join(heavy) or "none",
                not (set(heavy) & {"aws_xray_sdk", "botocore", "boto3"})
                or function == "ingest",  # ingest reads S3: boto3 is its job
            )
        )
        section.notes.append(
            f"`{function}` heaviest packages by own import time (ms): "
            + ", ".join(f"{n} {ms:.0f}" for n, ms in tree["importtime"])
        )
        section.notes.append(f"`{function}` modules beyond the bare libraries: {', '.join(extra)}")
        section.raw[function] = {"handler": ours, "baseline": base, "traced": traced}
        for group in (ours, base, traced):
            for r in group:
                r.pop("modules", None)
    rows.append(_libraries_row(runs, section))
    section.tables.append(
        Table(
            [
                "function",
                "import ms",
                "bare libs ms",
                "÷ bare (pairwise)",
                "import ms, tracing on",
                "peak RSS MB",
                "bare RSS MB",
                "heavy extras",
            ],
            rows,
            caption=f"{runs} fresh interpreters each, alternating with the bare "
            f"`{'; '.join(BASELINE)}`; tracing off unless said; median (IQR)",
        )
    )
    _init(ctx, section, runs)
    return section


def _libraries_row(runs: int, section: Section) -> list[str]:
    """The libraries alone (:data:`LIBRARIES`), against the bare ones, pair by pair."""
    ours, base = _alternate(runs, lambda: probe(LIBRARIES), lambda: probe(BASELINE))
    ratio = _ratio(ours, base, "import_ms")
    section.raw["libraries"] = {"imports": LIBRARIES, "handler": ours, "baseline": base}
    for group in (ours, base):
        for r in group:
            r.pop("modules", None)
    return [
        "(libraries alone: Powertools resolver, Logger, Metrics; pydantic models; orjson)",
        summarise([o["import_ms"] for o in ours]).text("{:.0f}"),
        summarise([b["import_ms"] for b in base]).text("{:.0f}"),
        f"{ratio.median:.2f}× (IQR {ratio.q1:.2f}–{ratio.q3:.2f})",
        "",
        summarise([o["maxrss_mb"] for o in ours]).text("{:.1f}"),
        summarise([b["maxrss_mb"] for b in base]).text("{:.1f}"),
        "",
    ]


def _init(ctx: Context, section: Section, runs: int) -> None:
    if not handler_path("search").is_file():
        return
    args = _init_args(ctx)
    env = {"OPENSEARCH_ENDPOINT": ctx.endpoint, "ARTICLES_INDEX": args["index"]}
    ours, base = _alternate(
        runs,
        lambda: probe(_handler_imports("search"), _HANDLER_CALL, args, env=env),
        lambda: probe(BASELINE, _RAW_CALL, args, env=env),
    )
    ratio = _ratio(ours, base, "init_ms")
    section.tables.append(
        Table(
            ["function", "init ms (import + first /search)", "bare libs + one raw search ms", "÷"],
            [
                [
                    "search",
                    summarise([o["init_ms"] for o in ours]).text("{:.0f}"),
                    summarise([b["init_ms"] for b in base]).text("{:.0f}"),
                    f"{ratio.median:.2f}× (IQR {ratio.q1:.2f}–{ratio.q3:.2f})",
                ]
            ],
            caption=f"`/search?q={INIT_QUERY['q']}` on the corpus index, first request of a "
            f"fresh process (connection, rules read, query); {runs} pairs, alternating",
        )
    )
    section.raw["search_init"] = {"handler": ours, "baseline": base}
    for group in (ours, base):
        for r in group:
            r.pop("modules", None)
