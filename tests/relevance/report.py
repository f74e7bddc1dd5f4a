"""Writes the known-item relevance table of docs/search.md (both halves, three systems).

    ARTICLE_DATA_DIR=../shared/data .venv/bin/python -m tests.relevance.report  # make relevance

Builds fresh indices of the whole corpus (ours with the shipped analysis, the two stock
baselines), runs every judged query of ``tuning.json`` and ``holdout.json``, and replaces the
text between the markers in docs/search.md; the raw rows go to docs/relevance.json.
"""

from __future__ import annotations

import json
import os
import uuid
from pathlib import Path
from typing import Any

from cariberita.config import Settings
from cariberita.opensearch_client import build_client

from tests.relevance import known_items, systems
from tests.relevance.full_corpus import corpus_records
from tests.relevance.metrics import bootstrap_interval

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "search.md"
RAW = ROOT / "docs" / "relevance.json"
BEGIN = "<!-- known-item table: written by python -m tests.relevance.report -->"
END = "<!-- end of known-item table -->"
SYSTEMS = {"ours": "cariberita", "indonesian": "stock `indonesian`", "bm25": "plain BM25"}


def measure(client: Any, endpoint: str, data_dir: Path, prefix: str) -> dict[str, Any]:
    names = systems.ensure_indices(client, data_dir, prefix)
    try:
        same = known_items.copies(corpus_records(data_dir))
        halves = {"tuning": known_items.TUNING, "holdout": known_items.HOLDOUT}
        out: dict[str, Any] = {}
        for half, path in halves.items():
            judged = known_items.load(path)
            with systems.handler_env(endpoint, names["ours"]):
                rows = {"ours": known_items.evaluate(judged, systems.ours(), same)}
            for system in systems.BASELINES:
                ranker = systems.baseline(client, names[system])
                rows[system] = known_items.evaluate(judged, ranker, same)
            out[half] = {
                "rows": rows,
                "summary": {s: known_items.summarise(r) for s, r in rows.items()},
            }
        return out
    finally:
        for name in names.values():
            client.indices.delete(index=f"{name}*", ignore_unavailable=True)


def table(summary: dict[str, dict[str, dict[str, float]]]) -> list[str]:
    head = "| kind (n) | " + " | ".join(
        f"{label} S@10 / MRR@10 / nDCG@10" for label in SYSTEMS.values()
    )
    lines = [head + " |", "| --- |" + " ---: |" * len(SYSTEMS)]
    for kind in [*known_items.KINDS, "all"]:
        n = int(summary["ours"][kind]["n"])
        cells = []
        for system in SYSTEMS:
            m = summary[system][kind]
            cell = f"{m['success']:.2f} / {m['mrr']:.2f} / {m['ndcg']:.2f}"
            cells.append(f"**{cell}**" if system == "ours" else cell)
        name = f"**{kind}** ({n})" if kind == "all" else f"{kind} ({n})"
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return lines


def intervals(rows: dict[str, list[dict[str, Any]]]) -> str:
    """MRR@10's 95% bootstrap interval over the queries for cariberita, and for its paired
    difference from each baseline (the same queries, in the same order, for every system)."""
    ours = [row["rr"] for row in rows["ours"]]
    low, high = bootstrap_interval(ours)
    parts = [f"{SYSTEMS['ours']} {low:.2f} to {high:.2f}"]
    for system in SYSTEMS:
        if system == "ours":
            continue
        theirs = [row["rr"] for row in rows[system]]
        low, high = bootstrap_interval([a - b for a, b in zip(ours, theirs, strict=True)])
        parts.append(f"{SYSTEMS['ours']} minus {SYSTEMS[system]} {low:+.2f} to {high:+.2f}")
    return "MRR@10, 95% bootstrap interval over the queries: " + "; ".join(parts) + "."


def rows_from(measured: dict[str, Any], batch: int) -> dict[str, list[dict[str, Any]]]:
    """Each system's rows of both halves from ``batch`` on (batches written after the ranking
    was tuned: known_items.FRESH_FROM_BATCH, UNSEEN_FROM_BATCH)."""
    return {
        system: [
            row
            for half in ("tuning", "holdout")
            for row in measured[half]["rows"][system]
            if row["batch"] >= batch
        ]
        for system in SYSTEMS
    }


LATER_TABLES = (
    (
        known_items.FRESH_FROM_BATCH,
        "Written after the ranking was tuned (batches {batch} on, both halves)",
    ),
    (
        known_items.UNSEEN_FROM_BATCH,
        "Written on 2026-12-03, before the last two query-time changes (batches {batch} on, "
        "both halves)",
    ),
)


def render(measured: dict[str, Any]) -> str:
    parts = [BEGIN]
    for half, title in (("holdout", "Holdout half"), ("tuning", "Tuning half")):
        parts += ["", f"**{title}**", "", *table(measured[half]["summary"])]
        parts += ["", intervals(measured[half]["rows"])]
    for batch, title in LATER_TABLES:
        rows = rows_from(measured, batch)
        if rows["ours"]:
            summary = {system: known_items.summarise(r) for system, r in rows.items()}
            parts += ["", f"**{title.format(batch=batch)}**", "", *table(summary)]
            parts += ["", intervals(rows)]
    parts += ["", END]
    return "\n".join(parts)


def main() -> None:
    data_dir = Path(os.environ.get("ARTICLE_DATA_DIR", ROOT.parent / "shared" / "data"))
    endpoint = os.environ.get("OPENSEARCH_ENDPOINT", "http://127.0.0.1:9200")
    client = build_client(Settings(OPENSEARCH_ENDPOINT=endpoint, OPENSEARCH_TIMEOUT_S=120))
    measured = measure(client, endpoint, data_dir, f"relevance-report-{uuid.uuid4().hex[:6]}")
    text = DOC.read_text(encoding="utf-8")
    start, end = text.index(BEGIN), text.index(END) + len(END)
    DOC.write_text(text[:start] + render(measured) + text[end:], encoding="utf-8")
    RAW.write_text(json.dumps(measured, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(render(measured))


if __name__ == "__main__":
    main()
