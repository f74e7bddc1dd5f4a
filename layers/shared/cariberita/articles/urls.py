"""What an article's URL and picture URL may hold: the parts we store and hand to browsers.

A URL is stored as given, shown as a link, and its host becomes the publisher (a one-line
field). So beyond being an absolute http(s) URL, it holds no character a reader cannot see or
that our own markup uses: no whitespace or controls, no format characters (zero-width, bidi,
soft hyphen), no private-use code points (the highlighter's markers are U+E000/U+E001), no
unassigned ones, no invisible fillers. The host is a DNS name in ASCII (an international name
in its ``xn--`` form) or an IP address, and the URL carries no user name or password.
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import SplitResult, urlsplit

_HOST = re.compile(r"^[a-z0-9-]+(\.[a-z0-9-]+)*\.?$|^\[[0-9a-f:.]+\]$|^[0-9.]+$")
# Other categories that stand for nothing visible: Cc controls, Cf format, Co private use,
# Cs surrogates, Cn unassigned, Zl/Zp/Zs separators (spaces).
_INVISIBLE_CATEGORIES = frozenset({"Cc", "Cf", "Co", "Cs", "Cn", "Zl", "Zp", "Zs"})
# Default-ignorable marks and fillers outside those categories: the combining grapheme joiner,
# Khmer inherent vowels, Mongolian and general variation selectors, Hangul fillers.
_IGNORABLE = re.compile(
    "[\u034f\u115f\u1160\u17b4\u17b5\u180b-\u180f\u3164\ufe00-\ufe0f\uffa0\U000e0100-\U000e01ef]"
)


def _invisible(text: str) -> bool:
    if text.isascii():
        return any(ord(c) < 33 or ord(c) == 127 for c in text)
    return bool(_IGNORABLE.search(text)) or any(
        unicodedata.category(c) in _INVISIBLE_CATEGORIES for c in text
    )


def problem(value: str, schemes: tuple[str, ...] = ("http", "https")) -> str | None:
    """Why ``value`` is not a URL we store (a reason naming no field), or None when it is."""
    if _invisible(value):
        return "may not contain spaces, line breaks, control, invisible or private-use characters"
    try:
        parts: SplitResult = urlsplit(value)
        parts.port  # noqa: B018 - raises ValueError for a port that is no number
    except ValueError:
        return "is not a valid URL"
    if parts.scheme.lower() not in schemes or not parts.hostname:
        return f"must be an absolute {'/'.join(schemes)} URL with a host"
    if parts.username is not None or parts.password is not None:
        return "may not carry a user name or password"
    if not _HOST.match(parts.hostname):
        return "must name its host in ASCII (an international name in its xn-- form)"
    return None
