"""A blind probe: queries written by a helper that saw neither the judged sets nor the ranking,
scored once on the three systems (docs/search.md, "A second blind probe").

    ARTICLE_DATA_DIR=../shared/data .venv/bin/python -m tests.relevance.probe \\
        tests/relevance/probes/2026-12-04-b.jsonl

A probe file has one ``{"target", "kind", "q"}`` a line; nothing tunes on it. The indices are
the tuning aid's (``relevance-tune-*``), built when missing.
"""

from __future__ import annotations

import argparse
import hashlib
import json
from pathlib import Path

from tests.relevance import known_items, systems


def load(path: Path) -> list[known_items.Judged]:
    lines = path.read_text(encoding="utf-8").splitlines()
    rows = [json.loads(line) for line in lines if line.strip()]
    return [known_items.Judged(r["q"], r["kind"], r["target"], 0) for r in rows]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("probe", type=Path)
    args = parser.parse_args()
    bench = systems.Workbench.from_env()
    judged = load(args.probe)
    print(f"sha256 {hashlib.sha256(args.probe.read_bytes()).hexdigest()}  {args.probe}")
    rows = {system: bench.evaluate(judged, system) for system in ("ours", *systems.BASELINES)}
    table = {system: known_items.summarise(r) for system, r in rows.items()}
    kinds = [k for k in known_items.KINDS if k in table["ours"]] + ["all"]
    print(f"\n{'kind':<14}" + "".join(f"{s:>22}" for s in table))
    for kind in kinds:
        cells = []
        for system in table:
            m = table[system][kind]
            found = round(m["success"] * m["n"])
            cells.append(f"{found}/{int(m['n'])} {m['mrr']:.2f}")
        print(f"{kind:<14}" + "".join(f"{c:>22}" for c in cells))
    print("\nbelow a baseline (ranks: " + " / ".join(table) + "):")
    for i, item in enumerate(judged):
        ranks = [rows[system][i]["rank"] for system in table]
        ours, *others = (r if r is not None else 11 for r in ranks)
        if any(other < ours for other in others):
            print(f"  {item.kind:<13} {' / '.join(map(str, ranks))}  {item.q}")


if __name__ == "__main__":
    main()
