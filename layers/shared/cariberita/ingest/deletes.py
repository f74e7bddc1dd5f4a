"""Removing an S3 object removes the articles whose current version came from it."""

from __future__ import annotations

from opensearchpy import OpenSearch


def delete_from_source(client: OpenSearch, alias: str, source: str) -> int:
    """Delete every document whose ``source`` is ``bucket/key``; return how many.

    A newer upload of the same article from another object carries that object as source, so
    it survives. Refreshing first makes writes from the last second visible to the query.
    """
    client.indices.refresh(index=alias)
    result = client.delete_by_query(
        index=alias,
        body={"query": {"term": {"source": source}}},
        conflicts="proceed",  # a concurrent newer write wins; it is not ours to delete
        refresh=True,
        slices="auto",
    )
    return int(result.get("deleted", 0))
