"""The story fingerprint: one value shared by copies of the same article from several publishers.

Syndicated news (agency copy, a site's regional editions, a re-upload with a new URL) arrives
as separate articles with the same headline and the same opening. Search collapses them on the
index field ``story`` so a reader sees one result per story.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

# The opening of the body that, with the title, identifies a story.
OPENING_CHARS = 300
_WORDS = re.compile(r"[a-z0-9]+")


def _words(text: str) -> list[str]:
    """Casefolded, ASCII-folded words: punctuation, accents and spacing do not matter."""
    folded = unicodedata.normalize("NFKD", text.casefold())
    ascii_only = folded.encode("ascii", "ignore").decode("ascii")
    return _WORDS.findall(ascii_only)


def fingerprint(title: str, body: str) -> str:
    """sha1 (hex) of the title's words and the words of the first ``OPENING_CHARS`` of the body."""
    canonical = " ".join(_words(title)) + "\n" + " ".join(_words(body[:OPENING_CHARS]))
    return hashlib.sha1(canonical.encode("ascii"), usedforsecurity=False).hexdigest()
