"""Deterministic document ids: re-uploading an article updates it instead of duplicating it."""

from __future__ import annotations

import hashlib
import re
from datetime import datetime
from urllib.parse import urlsplit, urlunsplit

from cariberita.articles.text import clean_line

MAX_ID_CHARS = 200
# The id contract. OpenSearch refuses _id values over 512 bytes; we stay well below, in ASCII.
ID_PATTERN = rf"^[A-Za-z0-9][A-Za-z0-9._:\-]{{0,{MAX_ID_CHARS - 1}}}$"
_ID = re.compile(ID_PATTERN)


def is_valid_id(value: object) -> bool:
    """Whether ``value`` is an article id any record could have (derived or given)."""
    return isinstance(value, str) and _ID.fullmatch(value) is not None


def normalise_url(url: str) -> str:
    """Scheme and host lower-cased, fragment and trailing slash dropped."""
    parts = urlsplit(url.strip())
    path = parts.path.rstrip("/") or "/"
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), path, parts.query, ""))


def derive_id(url: str | None, title: str, published_at: datetime | None) -> str:
    """``u-<hash>`` from the URL if there is one, else ``t-<hash>`` of the title and date."""
    if url:
        key, prefix = normalise_url(url), "u"
    else:
        day = published_at.date().isoformat() if published_at else ""
        key, prefix = f"{clean_line(title).casefold()}|{day}", "t"
    return f"{prefix}-{hashlib.sha256(key.encode('utf-8')).hexdigest()[:24]}"
