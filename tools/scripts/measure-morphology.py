"""Measure how the Indonesian analysis handles morphology, against Lucene's stock analyzer.

Builds a throwaway index on a real node with the shipped ``analysis_settings()`` (plus the stock
``indonesian`` analyzer for comparison), deletes it afterwards, and reports:

- families (tests/fixtures/morphology/families.txt): the share of families whose every form
  reaches the stem the analyzer gives the root, and the share of forms that reach it;
- over-merges among the corpus's 5,000 most frequent words: pairs of look-alike words that must
  stay apart (apart.txt) but share a stem, the number of stem groups holding more than one word,
  and a seeded sample of 100 of those groups judged by hand (judged_groups.txt).

The figures before the morphology work are recorded in baseline.json. The markdown table is
printed and, with ``--write-docs``, written into docs/analysis.md between the markers.

    OPENSEARCH_ENDPOINT=http://127.0.0.1:9200 ARTICLE_DATA_DIR=/work/shared/data \\
        .venv/bin/python tools/scripts/measure-morphology.py --write-docs
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import os
import re
import sys
import urllib.request
import uuid
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures" / "morphology"
DOCS = ROOT / "docs" / "analysis.md"
BEGIN, END = "<!-- morphology-table:begin -->", "<!-- morphology-table:end -->"
TOP_WORDS = 5000
SAMPLE = 100
SEED = 20240
WORD = re.compile(r"[^\W\d_]+")
CHAIN, STOCK = "id_news", "stock_indonesian"

Analyze = Callable[[list[str]], list[list[str]]]


# --- fixtures ------------------------------------------------------------------------------------


def _lines(name: str) -> list[str]:
    text = (FIXTURES / name).read_text("utf-8")
    return [s for s in (line.split("#", 1)[0].strip() for line in text.splitlines()) if s]


def families() -> dict[str, list[str]]:
    """``root -> forms`` (the root first)."""
    out: dict[str, list[str]] = {}
    for line in _lines("families.txt"):
        root, _, forms = line.partition(":")
        out[root.strip()] = [root.strip(), *forms.split()]
    return out


def apart_pairs() -> list[tuple[str, str]]:
    return [(a, b) for a, b in (line.split() for line in _lines("apart.txt"))]


def group_key(words: Iterable[str]) -> str:
    return " ".join(sorted(words))


def verdicts() -> dict[str, bool]:
    """Judged stem groups: ``right|wrong: word word ...`` -> True when the words belong together."""
    out: dict[str, bool] = {}
    for line in _lines("judged_groups.txt"):
        verdict, _, words = line.partition(":")
        out[group_key(words.split())] = verdict.strip() == "right"
    return out


def top_words(corpus: Path, n: int = TOP_WORDS) -> list[str]:
    """The ``n`` most frequent words (ASCII, 2+ letters) of all titles and bodies."""
    counts: Counter[str] = Counter()
    with gzip.open(corpus, "rt", encoding="utf-8") as handle:
        for line in handle:
            article = json.loads(line)
            counts.update(WORD.findall(f"{article['title']} {article['body']}".lower()))
    words = (w for w, _ in counts.most_common())
    return [w for w in words if w.isascii() and len(w) > 1][:n]


# --- the node ------------------------------------------------------------------------------------


def _call(endpoint: str, method: str, path: str, body: Any = None) -> Any:
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(
        f"{endpoint}{path}", data=data, method=method, headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=120) as response:
        return json.load(response)


def create_index(endpoint: str) -> str:
    """A throwaway index with the shipped analysis settings and the stock analyzer beside them."""
    from cariberita.index.analysis import analysis_settings

    analysis = analysis_settings()
    analysis["analyzer"][STOCK] = {"type": "indonesian"}
    name = f"measure-morphology-{uuid.uuid4().hex[:10]}"
    settings = {"number_of_shards": 1, "number_of_replicas": 0, "analysis": analysis}
    _call(endpoint, "PUT", f"/{name}", {"settings": settings})
    return name


def delete_index(endpoint: str, name: str) -> None:
    _call(endpoint, "DELETE", f"/{name}")


def analyzer(endpoint: str, index: str, name: str) -> Analyze:
    """Tokens of each text, from one ``_analyze`` call per chunk (mapped back by offsets)."""

    def analyze(texts: list[str]) -> list[list[str]]:
        out: list[list[str]] = []
        for start in range(0, len(texts), 1000):
            chunk = texts[start : start + 1000]
            ends, position = [], 0
            for text in chunk:
                position += len(text)
                ends.append(position)
                position += 1
            body = {"analyzer": name, "text": " ".join(chunk)}
            tokens = _call(endpoint, "POST", f"/{index}/_analyze", body)["tokens"]
            found: list[list[str]] = [[] for _ in chunk]
            slot = 0
            for token in tokens:
                while token["start_offset"] > ends[slot]:
                    slot += 1
                found[slot].append(token["token"])
            out.extend(found)
        return out

    return analyze


# --- the figures ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Figures:
    families: int
    families_on_one_stem: int
    forms: int
    forms_reaching_stem: int
    apart_pairs: int
    apart_pairs_merged: int
    multi_word_groups: int
    sample_judged: int
    sample_wrong: int

    def share(self, part: int, whole: int) -> str:
        return f"{part / whole:.1%}" if whole else "n/a"


def family_misses(analyze: Analyze) -> tuple[int, int, dict[str, list[str]]]:
    """Families wholly on one stem, forms reaching their stem, and the forms that miss."""
    fams = families()
    words = [w for forms in fams.values() for w in forms]
    tokens = dict(zip(words, analyze(words), strict=True))
    misses: dict[str, list[str]] = {}
    reached = 0
    for root, forms in fams.items():
        stem = tokens[root][0] if tokens[root] else root
        missed = [f for f in forms[1:] if stem not in tokens[f]]
        reached += len(forms) - 1 - len(missed)
        if missed:
            misses[root] = [f"{f}->{'+'.join(tokens[f]) or '-'}" for f in missed]
    return len(fams) - len(misses), reached, misses


def merged_pairs(analyze: Analyze) -> list[tuple[str, str, str]]:
    pairs = apart_pairs()
    words = [w for pair in pairs for w in pair]
    tokens = dict(zip(words, analyze(words), strict=True))
    return [(a, b, "+".join(tokens[a])) for a, b in pairs if tokens[a] and tokens[a] == tokens[b]]


def stem_groups(analyze: Analyze, words: list[str]) -> dict[str, list[str]]:
    """Stem -> the top words that reach it, for stems reached by more than one word."""
    groups: dict[str, list[str]] = defaultdict(list)
    for word, tokens in zip(words, analyze(words), strict=True):
        if len(tokens) == 1:
            groups[tokens[0]].append(word)
    return {stem: ws for stem, ws in groups.items() if len(ws) > 1}


def sample_groups(groups: dict[str, list[str]]) -> list[tuple[str, list[str]]]:
    """A fixed pseudo-random sample: the groups whose most frequent word hashes lowest. A change
    of the rules only brings in new groups where it changed them, so old verdicts keep serving."""
    ordered = sorted(groups.items(), key=lambda item: _rank(item[1][0]))
    return ordered[:SAMPLE]


def _rank(word: str) -> str:
    return hashlib.sha256(f"{SEED}:{word}".encode()).hexdigest()


def measure(analyze: Analyze, words: list[str]) -> tuple[Figures, dict[str, Any]]:
    """The figures of one analyzer and the details behind them (misses, merges, unjudged)."""
    on_one, reached, misses = family_misses(analyze)
    merged = merged_pairs(analyze)
    groups = stem_groups(analyze, words)
    judged = verdicts()
    sample = sample_groups(groups)
    unjudged = [f"{stem}: {group_key(ws)}" for stem, ws in sample if group_key(ws) not in judged]
    wrong = [
        f"{stem}: {group_key(ws)}" for stem, ws in sample if judged.get(group_key(ws)) is False
    ]
    figures = Figures(
        families=len(families()),
        families_on_one_stem=on_one,
        forms=sum(len(forms) - 1 for forms in families().values()),
        forms_reaching_stem=reached,
        apart_pairs=len(apart_pairs()),
        apart_pairs_merged=len(merged),
        multi_word_groups=len(groups),
        sample_judged=len(sample) - len(unjudged),
        sample_wrong=len(wrong),
    )
    details = {"misses": misses, "merged": merged, "wrong": wrong, "unjudged": unjudged}
    return figures, details


def table(columns: dict[str, Figures]) -> str:
    """Markdown table, one column per analyzer."""
    rows: list[tuple[str, Callable[[Figures], str]]] = [
        (
            "families wholly on one stem",
            lambda f: (
                f"{f.families_on_one_stem}/{f.families} "
                f"({f.share(f.families_on_one_stem, f.families)})"
            ),
        ),
        (
            "forms reaching their family's stem",
            lambda f: (
                f"{f.forms_reaching_stem}/{f.forms} ({f.share(f.forms_reaching_stem, f.forms)})"
            ),
        ),
        (
            "look-alike pairs merged (must stay apart)",
            lambda f: f"{f.apart_pairs_merged}/{f.apart_pairs}",
        ),
        (
            f"stem groups of >1 word among the top {TOP_WORDS:,} words",
            lambda f: f"{f.multi_word_groups:,}",
        ),
        (
            f"judged wrong in a sample of {SAMPLE} of those groups",
            lambda f: f"{f.sample_wrong}/{f.sample_judged}",
        ),
    ]
    head = "| | " + " | ".join(columns) + " |\n| --- |" + " ---: |" * len(columns) + "\n"
    body = "".join(
        f"| {label} | " + " | ".join(cell(f) for f in columns.values()) + " |\n"
        for label, cell in rows
    )
    return head + body


def write_docs(text: str) -> None:
    doc = DOCS.read_text("utf-8")
    start, end = doc.index(BEGIN) + len(BEGIN), doc.index(END)
    DOCS.write_text(f"{doc[:start]}\n{text}{doc[end:]}", encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--write-docs", action="store_true", help="update docs/analysis.md")
    parser.add_argument("--details", action="store_true", help="print misses, merges, unjudged")
    parser.add_argument("--record-baseline", action="store_true", help="store as the 'before'")
    args = parser.parse_args()
    endpoint = os.environ.get("OPENSEARCH_ENDPOINT", "http://127.0.0.1:9200").rstrip("/")
    data = Path(os.environ.get("ARTICLE_DATA_DIR", str(ROOT.parent / "shared" / "data")))
    words = top_words(data / "corpus" / "clickid-news.jsonl.gz")
    index = create_index(endpoint)
    try:
        results = {name: measure(analyzer(endpoint, index, name), words) for name in (CHAIN, STOCK)}
    finally:
        delete_index(endpoint, index)
    baseline_file = FIXTURES / "baseline.json"
    if args.record_baseline:
        baseline_file.write_text(json.dumps(asdict(results[CHAIN][0]), indent=2) + "\n", "utf-8")
    columns = {}
    if baseline_file.is_file():
        columns["before (recorded)"] = Figures(**json.loads(baseline_file.read_text("utf-8")))
    columns["this chain (`id_news`)"] = results[CHAIN][0]
    columns["stock `indonesian`"] = results[STOCK][0]
    text = table(columns)
    print(text)
    if args.details:
        for name, (_, details) in results.items():
            print(f"## {name}")
            for key, value in details.items():
                print(f"### {key}: {len(value)}")
                items = value.items() if isinstance(value, dict) else enumerate(value)
                for k, v in items:
                    print(f"  {k}: {v}")
    if args.write_docs:
        write_docs(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
