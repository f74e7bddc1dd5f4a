"""The three systems the known-item table compares, as rankers over one node.

- ``ours``: the real search handler, in process, over our index of the whole corpus.
- ``indonesian``: OpenSearch's stock ``indonesian`` analyzer, ``multi_match`` title^3 + body.
- ``bm25``: the ``standard`` analyzer (no stemming, no stopwords), the same plain query.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cariberita.config import Settings
from cariberita.opensearch_client import build_client
from opensearchpy import OpenSearch

from tests.relevance import full_corpus, known_items
from tests.relevance.api import env, search
from tests.relevance.baseline import baseline_ranking
from tests.relevance.full_corpus import corpus_records
from tests.relevance.known_items import Ranker

BASELINES = {"indonesian": "indonesian", "bm25": "standard"}
# Hundreds of searches: no log line or metric for each.
QUIET = {"POWERTOOLS_LOG_LEVEL": "WARNING", "POWERTOOLS_METRICS_DISABLED": "true"}


def ensure_indices(client: OpenSearch, data_dir: Path, prefix: str) -> dict[str, str]:
    """Index names per system, building those that do not exist yet."""
    names = {
        "ours": f"{prefix}-ours-{full_corpus.analysis_fingerprint()}",
        **{system: f"{prefix}-{system}" for system in BASELINES},
    }
    if not full_corpus.exists(client, names["ours"]):
        full_corpus.build_ours(client, names["ours"], data_dir)
    for system, analyzer in BASELINES.items():
        if not full_corpus.exists(client, names[system]):
            full_corpus.build_baseline(client, names[system], analyzer, data_dir)
    return names


@contextmanager
def handler_env(endpoint: str, alias: str) -> Iterator[None]:
    values = {**env(endpoint, alias), **QUIET}
    previous = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for key, value in previous.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def ours() -> Ranker:
    def rank(q: str) -> list[str]:
        reply = search(q=q, size=10)
        if reply.status != 200:
            raise AssertionError(f"search {q!r} answered {reply.status}: {reply.body}")
        return [r["id"] for r in reply.body["results"]]

    return rank


def baseline(client: OpenSearch, index: str) -> Ranker:
    return lambda q: baseline_ranking(client, index, q)


@dataclass(frozen=True)
class Workbench:
    """The tuning aid's node (``OPENSEARCH_ENDPOINT``, else the local one): the three systems'
    ``relevance-tune-*`` indices, built when missing, and the corpus's story copies."""

    endpoint: str
    client: OpenSearch
    names: dict[str, str]
    same_story: dict[str, frozenset[str]]

    @classmethod
    def from_env(cls) -> Workbench:
        data_dir = Path(os.environ.get("ARTICLE_DATA_DIR", "../shared/data"))
        endpoint = os.environ.get("OPENSEARCH_ENDPOINT", "http://127.0.0.1:9200")
        client = build_client(Settings(OPENSEARCH_ENDPOINT=endpoint, OPENSEARCH_TIMEOUT_S=120))
        names = ensure_indices(client, data_dir, "relevance-tune")
        return cls(endpoint, client, names, known_items.copies(corpus_records(data_dir)))

    def evaluate(self, judged: list[known_items.Judged], system: str) -> list[dict[str, Any]]:
        """One row per query (known_items.evaluate) for ``ours`` or a baseline."""
        if system == "ours":
            with handler_env(self.endpoint, self.names["ours"]):
                return known_items.evaluate(judged, ours(), self.same_story)
        ranker = baseline(self.client, self.names[system])
        return known_items.evaluate(judged, ranker, self.same_story)
