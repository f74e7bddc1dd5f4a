"""The shared CLICK-ID corpus (read-only, outside the repository; see docs/data.md)."""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

DATA_HELP = (
    "the shared CLICK-ID corpus is not here: set ARTICLE_DATA_DIR to a folder holding "
    "corpus/clickid-news.jsonl.gz (see docs/data.md for how to get it)"
)


def read_corpus(path: Path, limit: int | None = None) -> Iterator[dict[str, Any]]:
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        for n, line in enumerate(handle):
            if limit is not None and n >= limit:
                return
            yield json.loads(line)
