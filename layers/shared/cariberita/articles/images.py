"""The article's picture: an ``https`` URL we are willing to put in an ``<img src>``.

Anything else (``http``, ``data:``, ``javascript:``, relative paths, credentials, spaces, over
``MAX_IMAGE_URL_CHARS``) is dropped rather than refusing the article: a bad thumbnail is no
reason to lose the story.
"""

from __future__ import annotations

from cariberita.articles import urls

MAX_IMAGE_URL_CHARS = 2_048
# Field names editors' JSON and CSV use for the picture, in order of preference.
ALIASES = ("image_url", "image", "thumbnail")


def clean_image_url(value: object) -> str | None:
    """``value`` if it is an absolute https URL with a host; otherwise None."""
    if not isinstance(value, str):
        return None
    url = value.strip()
    if not url or len(url) > MAX_IMAGE_URL_CHARS or any(c in "<>\"'\\" for c in url):
        return None
    return url if urls.problem(url, schemes=("https",)) is None else None


def image_from_record(data: dict[str, object]) -> str | None:
    """The first usable picture among the record's alias fields."""
    for name in ALIASES:
        url = clean_image_url(data.get(name))
        if url:
            return url
    return None
