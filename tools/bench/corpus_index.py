"""The corpus in an index of the current definition, loaded with a raw bulk, for the benchmarks
that search it when the ingest benchmark (which leaves one behind) is not part of the run.

``PYTHONPATH=tools python -m bench.corpus_index [alias]`` loads one and keeps it (for profiling by
hand).
"""

from __future__ import annotations

import sys
from typing import Any

from opensearchpy import helpers

from bench import documents
from bench.context import Context
from bench.env import client_for, corpus_path, opensearch_endpoint, read_corpus, unique


def load(client: Any, alias: str, articles: list[dict[str, Any]]) -> int:
    """Index ``articles`` behind a fresh ``alias`` (current mapping), refreshed; the count."""
    from cariberita.index.manager import ensure_index

    ensure_index(client, alias)
    _, build = documents.builder()
    ok, errors = helpers.bulk(
        client,
        documents.actions(alias, articles, build=build),
        stats_only=True,
        chunk_size=1000,
        request_timeout=300,
    )
    if errors:
        raise RuntimeError(f"corpus bulk: {errors} errors")
    mark_shared_stories(client, alias)
    client.indices.refresh(index=alias)
    return int(ok)


def mark_shared_stories(client: Any, alias: str) -> None:
    """What ingest keeps for search (``shared_story`` on copies); a raw bulk load bypasses it."""
    try:
        from cariberita.index import shared_stories
    except ImportError:  # an older product without the field
        return
    shared_stories.mark_all(client, alias)


def ensure(ctx: Context) -> str:
    """The run's corpus alias: the ingest benchmark's, or a new one dropped at the end."""
    alias: str | None = ctx.state.get("corpus_alias")
    if alias:
        return alias
    alias = unique("corpus")
    ctx.drop_index_later(alias)
    ctx.state["corpus_articles"] = load(ctx.client, alias, ctx.articles)
    ctx.state["corpus_alias"] = alias
    return alias


if __name__ == "__main__":
    name = sys.argv[1] if len(sys.argv) > 1 else "bench-corpus-dev"
    client = client_for(opensearch_endpoint())
    print(name, load(client, name, read_corpus(corpus_path())))
