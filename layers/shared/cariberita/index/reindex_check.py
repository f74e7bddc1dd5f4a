"""The check by id before a swap, what repairs it, and the fill of the derived fields.

:func:`compare` reads every document's id, version and ``ingested_at`` from both indices (a
scroll without sources) and says what the target lacks, has in excess or has newer;
:func:`repair` copies again or deletes accordingly. ``_reindex`` copies ``_source`` as it is,
so :func:`fill_derived` computes the fields ingest derives (``lead``, ``story``) on the
documents that lack them. The procedure that calls these is in index/reindex.py.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from opensearchpy import OpenSearch
from opensearchpy.helpers import bulk, scan

from cariberita.articles.document import DERIVED_FIELDS, derived_for
from cariberita.index.reindex_errors import ReindexError
from cariberita.index.reindex_tasks import Progress, copy, quiet

STAMP = "ingested_at"
IDS_PER_COPY = 1_000
# Documents read (whole ``_source``) and written back per bulk request by fill_derived.
FILL_BATCH = 200
FILL_MAX_BYTES = 10 * 1024 * 1024


@dataclass(frozen=True)
class Difference:
    """How ``target`` differs from ``source``, by id and version."""

    source_documents: int
    target_documents: int
    missing: tuple[str, ...]  # in the source, not (or older) in the target
    extra: tuple[str, ...]  # in the target only: deleted from the source during the copy
    newer_in_target: tuple[str, ...]  # never expected: nothing else writes to the target
    underived: tuple[str, ...] = ()  # in the target without a derived field (lead, story)

    @property
    def clean(self) -> bool:
        return not (self.missing or self.extra or self.newer_in_target or self.underived)

    def summary(self) -> str:
        return (
            f"{self.source_documents} in source, {self.target_documents} in target, "
            f"{len(self.missing)} missing or older, {len(self.extra)} deleted in source, "
            f"{len(self.newer_in_target)} newer in target, "
            f"{len(self.underived)} without {'/'.join(DERIVED_FIELDS)}"
        )


def id_versions(client: OpenSearch, index: str) -> dict[str, int]:
    """``{_id: _version}`` of every document (a scroll without sources)."""
    client.indices.refresh(index=index)
    hits = scan(
        client,
        index=index,
        query={"_source": False, "version": True, "sort": ["_doc"]},
        size=5_000,
        scroll="2m",
    )
    return {hit["_id"]: int(hit["_version"]) for hit in hits}


def id_stamps(client: OpenSearch, index: str) -> dict[str, tuple[int, str | None]]:
    """``{_id: (_version, ingested_at)}`` of every document (a scroll without sources; the
    stamp from doc values, to the millisecond)."""
    client.indices.refresh(index=index)
    hits = scan(
        client,
        index=index,
        query={
            "_source": False,
            "version": True,
            "docvalue_fields": [{"field": STAMP, "format": "epoch_millis"}],
            "sort": ["_doc"],
        },
        size=5_000,
        scroll="2m",
    )
    return {
        hit["_id"]: (int(hit["_version"]), (hit.get("fields", {}).get(STAMP) or [None])[0])
        for hit in hits
    }


def _lacking_derived() -> dict[str, Any]:
    """Documents without one of the derived fields."""
    return {
        "bool": {
            "should": [{"bool": {"must_not": {"exists": {"field": f}}}} for f in DERIVED_FIELDS],
            "minimum_should_match": 1,
        }
    }


def underived_ids(client: OpenSearch, index: str) -> tuple[str, ...]:
    """Ids of the documents of ``index`` that lack a derived field (``lead``, ``story``)."""
    client.indices.refresh(index=index)
    hits = scan(
        client,
        index=index,
        query={"query": _lacking_derived(), "_source": False, "sort": ["_doc"]},
        size=5_000,
        scroll="2m",
    )
    return tuple(sorted(hit["_id"] for hit in hits))


def fill_derived(client: OpenSearch, index: str, progress: Progress = quiet) -> int:
    """Compute the derived fields of every document of ``index`` that lacks one; return how many
    were written.

    Each is recomputed from its ``_source`` (``articles.document.derived_for``, what ingest
    writes) and indexed again with its own version and ``external_gte``: a newer copy written
    meanwhile (a catch-up pass) wins, its own fields are filled by the next call. Raises
    ReindexError when a write fails for any other reason than such a newer copy.
    """
    client.indices.refresh(index=index)
    hits = scan(
        client,
        index=index,
        query={"query": _lacking_derived(), "version": True, "sort": ["_doc"]},
        size=FILL_BATCH,
        scroll="5m",
    )
    actions = (
        {
            "_op_type": "index",
            "_id": hit["_id"],
            "version": int(hit["_version"]),
            "version_type": "external_gte",
            "_source": {**hit["_source"], **derived_for(hit["_source"])},
        }
        for hit in hits
    )
    written, errors = bulk(
        client,
        actions,
        index=index,
        chunk_size=FILL_BATCH,
        max_chunk_bytes=FILL_MAX_BYTES,
        raise_on_error=False,
        refresh=True,
    )
    failed = [e for e in errors if _status(e) != 409]  # 409: a newer copy arrived meanwhile
    if failed:
        raise ReindexError(
            f"filling {'/'.join(DERIVED_FIELDS)} in {index}: {len(failed)} documents failed, "
            f"first: {str(failed[0])[:300]}"
        )
    if written:
        progress(f"filled {'/'.join(DERIVED_FIELDS)} of {written} documents in {index}")
    return int(written)


def _status(error: Any) -> int:
    item: Any = next(iter(error.values()), {}) if isinstance(error, dict) else {}
    return int(item.get("status", 0)) if isinstance(item, dict) else 0


def compare(client: OpenSearch, source: str, target: str, derived: bool = False) -> Difference:
    """``target`` against ``source`` by id, version and ``ingested_at``; ``derived``: also list
    the target's documents without a derived field.

    Same version, another stamp counts as missing: the source was written again at the same
    version (a re-upload, a backfill after a parser fix) and only the stamp tells. Only copies
    from the source write the target, so the source's is the newer write.
    """
    wanted, have = id_stamps(client, source), id_stamps(client, target)
    absent: tuple[int, str | None] = (-1, None)
    return Difference(
        source_documents=len(wanted),
        target_documents=len(have),
        missing=tuple(sorted(i for i, w in wanted.items() if _behind(have.get(i, absent), w))),
        extra=tuple(sorted(set(have) - set(wanted))),
        newer_in_target=tuple(
            sorted(i for i, (v, _) in wanted.items() if have.get(i, absent)[0] > v)
        ),
        underived=underived_ids(client, target) if derived else (),
    )


def _behind(have: tuple[int, str | None], wanted: tuple[int, str | None]) -> bool:
    return have[0] < wanted[0] or (have[0] == wanted[0] and have[1] != wanted[1])


def _chunks(items: Iterable[str], size: int) -> Iterator[list[str]]:
    chunk: list[str] = []
    for item in items:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def repair(
    client: OpenSearch, source: str, target: str, difference: Difference, derived: bool = False
) -> None:
    """Copy missing or older documents again; delete the ones the source no longer has;
    ``derived``: fill the derived fields of what was copied (and of any other lacking them)."""
    for ids in _chunks(difference.missing, IDS_PER_COPY):
        copy(client, source, target, query={"ids": {"values": ids}})
    if derived and (difference.missing or difference.underived):
        fill_derived(client, target)
    if difference.extra:
        # POST <target>/_bulk: a domain with rest.action.multi.allow_explicit_index false (the
        # created one) refuses an index named in the body, and operator policies name paths.
        actions = ({"_op_type": "delete", "_id": i} for i in difference.extra)
        bulk(client, actions, index=target, raise_on_error=False, refresh=True)
