"""Tuning aid: the known-item scores on the TUNING half only, per kind, with every miss.

    ARTICLE_DATA_DIR=../shared/data .venv/bin/python -m tests.relevance.tune [--kind typo]

Reads ``known_items/tuning.json`` and never the holdout file. Indices are kept between runs
(named after the analysis settings); delete ``relevance-tune-*`` indices to rebuild them.
"""

from __future__ import annotations

import argparse

from tests.relevance import known_items, systems


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--kind")
    parser.add_argument("--baselines", action="store_true", help="also score the baselines")
    args = parser.parse_args()
    bench = systems.Workbench.from_env()
    judged = [j for j in known_items.load(known_items.TUNING) if args.kind in (None, j.kind)]
    rows = bench.evaluate(judged, "ours")
    table = {"ours": known_items.summarise(rows)}
    if args.baselines:
        for system in systems.BASELINES:
            table[system] = known_items.summarise(bench.evaluate(judged, system))
    for row in rows:
        if row["rank"] != 1:
            print(f"{row['kind']:<13} rank={row['rank']!s:<4} {row['q']}  [{row['target']}]")
    print(f"\n{'kind':<14}" + "".join(f"{s:>22}" for s in table))
    for kind in [*known_items.KINDS, "all"]:
        cells = []
        for system in table:
            m = table[system].get(kind)
            cells.append(f"{m['success']:.2f}/{m['mrr']:.2f} (n={int(m['n'])})" if m else "-")
        print(f"{kind:<14}" + "".join(f"{c:>22}" for c in cells))


if __name__ == "__main__":
    main()
