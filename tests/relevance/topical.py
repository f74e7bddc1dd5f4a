"""Topical relevance: short queries judged blind, graded 0-2 against the reader's intent.

``topical/queries.json`` holds 60 queries of 2-3 words with their intents,
``topical/judgments.json`` the grades of the pooled first five results of the rankings of
2026-12-03 (how both were made: their ``about``). An unjudged article counts as 0, so a ranking
that finds articles nobody judged scores lower than it may deserve: judge the new ones before
reading a drop as a loss.

    ARTICLE_DATA_DIR=../shared/data .venv/bin/python -m tests.relevance.topical
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from statistics import mean

from cariberita.config import Settings
from cariberita.opensearch_client import build_client

from tests.relevance import systems
from tests.relevance.known_items import Ranker
from tests.relevance.metrics import ndcg

HERE = Path(__file__).resolve().parent / "topical"
QUERIES = HERE / "queries.json"
JUDGMENTS = HERE / "judgments.json"
DEPTH = 5
RELEVANT = 2
# The systems whose results were judged; plain BM25's were not, so it is left out.
POOLED = ("ours", "indonesian")


@dataclass(frozen=True)
class Topical:
    q: str
    intent: str
    pattern: str
    grades: dict[str, int]


def load() -> list[Topical]:
    queries = json.loads(QUERIES.read_text(encoding="utf-8"))["queries"]
    grades = json.loads(JUDGMENTS.read_text(encoding="utf-8"))["judgments"]
    return [Topical(q["q"], q["intent"], q["pattern"], grades[q["q"]]) for q in queries]


def evaluate(judged: list[Topical], ranker: Ranker) -> dict[str, float]:
    """Mean precision at 5 (grade 2) and nDCG@5 (gains 2^grade - 1) over the queries."""
    precision, gain = [], []
    for item in judged:
        ranked = ranker(item.q)[:DEPTH]
        precision.append(sum(item.grades.get(i, 0) >= RELEVANT for i in ranked) / DEPTH)
        gain.append(ndcg(ranked, item.grades, k=DEPTH))
    return {"p5": mean(precision), "ndcg5": mean(gain), "n": float(len(judged))}


def table(measured: dict[str, dict[str, float]]) -> str:
    rows = ["| system | P@5 (relevant) | nDCG@5 |", "| --- | ---: | ---: |"]
    for system, m in measured.items():
        rows.append(f"| {system} | {m['p5']:.3f} | {m['ndcg5']:.3f} |")
    return "\n".join(rows)


def main() -> None:
    data_dir = Path(os.environ.get("ARTICLE_DATA_DIR", "../shared/data"))
    endpoint = os.environ.get("OPENSEARCH_ENDPOINT", "http://127.0.0.1:9200")
    client = build_client(Settings(OPENSEARCH_ENDPOINT=endpoint, OPENSEARCH_TIMEOUT_S=120))
    names = systems.ensure_indices(client, data_dir, "relevance-tune")
    judged = load()
    with systems.handler_env(endpoint, names["ours"]):
        measured = {"ours": evaluate(judged, systems.ours())}
    measured["indonesian"] = evaluate(judged, systems.baseline(client, names["indonesian"]))
    print(f"{len(judged)} topical queries\n\n{table(measured)}")


if __name__ == "__main__":
    main()
