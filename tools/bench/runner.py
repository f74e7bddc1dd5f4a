"""``python -m bench [--profile full|quick] [--only ingest,search,...]``: run, write the report.

The report is rewritten after every benchmark, so an interrupted run still leaves what it measured.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
import traceback
import warnings
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from bench import (
    coldstart,
    concurrency,
    freshness,
    ingest,
    machine,
    memory,
    packages,
    report,
    scale,
    search,
)
from bench.context import Context
from bench.env import (
    ROOT,
    BenchError,
    MotoS3,
    client_for,
    corpus_path,
    opensearch_endpoint,
    read_corpus,
)
from bench.profile import PROFILES
from bench.results import Section, section_from_dict

BENCHMARKS: dict[str, tuple[str, Callable[[Context], Section]]] = {
    "coldstart": ("4. Cold start", coldstart.run),
    "ingest": (ingest.TITLE, ingest.run),
    "search": (search.TITLE, search.run),
    "concurrency": (concurrency.TITLE, concurrency.run),
    "freshness": (freshness.TITLE, freshness.run),
    "memory": (memory.TITLE, memory.run),
    "scale": (scale.TITLE, scale.run),
    "packages": (packages.TITLE, packages.run),
}
# The order of the report follows the issue; the order of the run puts the quiet-machine
# measurements (cold start) first and the ones that load the node hardest (scale) last.
REPORT_ORDER = [
    "ingest",
    "search",
    "concurrency",
    "coldstart",
    "memory",
    "scale",
    "packages",
    "freshness",
]


def say(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--profile", choices=sorted(PROFILES), default="full")
    parser.add_argument("--only", default="", help="comma-separated: " + ",".join(BENCHMARKS))
    parser.add_argument("--out", type=Path, default=ROOT / "docs")
    parser.add_argument(
        "--merge",
        action="store_true",
        help="keep the other benchmarks of the existing benchmarks.json (re-run some only)",
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    profile = PROFILES[args.profile]
    chosen = [b.strip() for b in args.only.split(",") if b.strip()] or list(BENCHMARKS)
    unknown = set(chosen) - set(BENCHMARKS)
    if unknown:
        print(f"unknown benchmark(s): {', '.join(sorted(unknown))}", file=sys.stderr)
        return 2
    started = time.monotonic()
    try:
        corpus = corpus_path()
        endpoint = opensearch_endpoint()
    except BenchError as exc:
        print(f"[bench] {exc}", file=sys.stderr)
        return 1
    # As template.yaml deploys the functions (log level INFO): handlers pay for their logs and
    # metrics as in Lambda. What they print goes to /dev/null (Lambda: CloudWatch); Powertools
    # binds sys.stdout when the handler is imported, hence the swap before any import.
    os.environ.setdefault("POWERTOOLS_METRICS_NAMESPACE", "CariBerita")
    os.environ.setdefault("POWERTOOLS_SERVICE_NAME", "cariberita")
    os.environ.setdefault("POWERTOOLS_LOG_LEVEL", "INFO")
    os.environ.setdefault("POWERTOOLS_TRACE_DISABLED", "true")  # no X-Ray daemon here
    sys.stdout = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115 - for the whole run
    os.environ.setdefault("CURSOR_SECRET", "bench-cursor-secret-not-for-production")
    # Powertools warns on every invocation that publishes no metrics; that is expected here.
    warnings.filterwarnings("ignore", message="No application metrics to publish")
    client = client_for(endpoint)
    ctx = Context(profile, args.out, endpoint, client, corpus, read_corpus(corpus))
    facts = machine.facts(client)
    meta = {
        "profile": profile.name,
        "command": {"full": "make bench", "scale": "make bench-scale"}.get(
            profile.name, "make bench-quick"
        ),
        "started_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "benchmarks": chosen,
    }
    sections: dict[str, Section] = _previous(args.out) if args.merge else {}
    if args.merge and sections:
        meta["merged"] = f"re-ran {', '.join(chosen)} into an earlier run's report"
    try:
        ctx.s3 = MotoS3()
        ctx.on_exit(ctx.s3.stop)
        for key in chosen:
            title, run = BENCHMARKS[key]
            say(f"{title} ...")
            began = time.monotonic()
            try:
                section = run(ctx)
            except Exception as exc:
                traceback.print_exc()
                section = Section(
                    key, title, status="failed", reason=f"{type(exc).__name__}: {exc}"[:800]
                )
            section.seconds = time.monotonic() - began
            sections[key] = section
            say(f"{title}: {section.status} in {section.seconds:.0f} s")
            _write(args.out, meta, facts, sections, started)
    finally:
        ctx.cleanup()
    md, _ = _write(args.out, meta, facts, sections, started)
    say(f"wrote {md} in {time.monotonic() - started:.0f} s")
    return 0


def _previous(out: Path) -> dict[str, Section]:
    path = out / "benchmarks.json"
    if not path.is_file():
        return {}
    data = json.loads(path.read_text(encoding="utf-8"))
    return {s["key"]: section_from_dict(s) for s in data.get("sections", [])}


def _write(
    out: Path, meta: dict, facts: dict, sections: dict[str, Section], started: float
) -> tuple[Path, Path]:
    meta = {
        **meta,
        "finished_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "elapsed_s": time.monotonic() - started,
    }
    ordered = [sections[k] for k in REPORT_ORDER if k in sections]
    return report.write(out, meta, facts, ordered)
