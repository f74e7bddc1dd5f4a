"""The article's picture: an ``https`` URL we are willing to put in an ``<img src>``.

Anything else (``http``, ``data:``, ``javascript:``, relative paths, credentials, spaces, over
``MAX_IMAGE_URL_CHARS``) is dropped rather than refusing the article: a bad thumbnail is no
reason to lose the story.
"""

from __future__ import annotations

from urllib.parse import urlsplit

MAX_IMAGE_URL_CHARS = 2_048
# Field names editors' JSON and CSV use for the picture, in order of preference.
ALIASES = ("image_url", "image", "thumbnail")


def clean_image_url(value: object) -> str | None:
    """``value`` if it is an absolute https URL with a host; otherwise None."""
    if not isinstance(value, str):
        return None
    url = value.strip()
    if not url or len(url) > MAX_IMAGE_URL_CHARS or any(c.isspace() for c in url):
        return None
    if any(ord(c) < 32 or ord(c) == 127 or c in "<>\"'\\" for c in url):
        return None
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError on a malformed port
    except ValueError:
        return None
    if parts.scheme.lower() != "https" or not parts.hostname or "@" in parts.netloc:
        return None
    return url


def image_from_record(data: dict[str, object]) -> str | None:
    """The first usable picture among the record's alias fields."""
    for name in ALIASES:
        url = clean_image_url(data.get(name))
        if url:
            return url
    return None
