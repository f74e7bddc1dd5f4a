"""Names of indexes and buckets that are ours alone on a node other tests share."""

from __future__ import annotations

import uuid


def unique_name(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"
