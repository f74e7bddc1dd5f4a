"""What a reader may ask for, normalised and checked beyond what the HTTP layer validates."""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator

from cariberita.errors import InvalidRequest

Sort = Literal["relevance", "newest", "oldest"]

MAX_QUERY_CHARS = 200
MAX_QUERY_WORDS = 32
MAX_CATEGORIES = 10
MAX_FILTER_CHARS = 100
DEFAULT_SIZE = 10
MAX_SIZE = 50
MAX_PAGE = 1_000
# index.max_result_window: from + size beyond it is refused by OpenSearch; cursors go further.
RESULT_WINDOW = 10_000
MAX_CURSOR_CHARS = 1_000
MAX_SUGGEST_CHARS = 100

_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _iso_day(value: Any) -> Any:
    # pydantic alone also reads "0" or "1700000000" as Unix times; only yyyy-MM-dd is a day here.
    if isinstance(value, str) and not _ISO_DAY.fullmatch(value):
        raise ValueError("must be a date like 2024-03-31")
    return value


IsoDay = Annotated[date, BeforeValidator(_iso_day)]
"""A calendar day written ``yyyy-MM-dd`` (the type of ``date_from``/``date_to``)."""

_CONTROL = re.compile(
    r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff\ue000-\uf8ff]"
)
_SPACES = re.compile(r"\s+")


def normalise_text(text: str | None, unescape: bool = False) -> str:
    """NFKC, no control/format/private-use characters, single spaces, trimmed.

    Private-use characters are removed because the highlighter uses two of them as markers.
    ``unescape`` undoes HTML escaping, for filter values copied from our (escaped) responses.
    """
    if not text:
        return ""
    if unescape:
        text = html.unescape(text)
    text = unicodedata.normalize("NFKC", text)
    text = _CONTROL.sub(" ", text)
    return _SPACES.sub(" ", text).strip()


@dataclass(frozen=True)
class SearchParams:
    """A validated search request; build it with :func:`search_params`."""

    q: str = ""
    categories: tuple[str, ...] = ()
    date_from: date | None = None
    date_to: date | None = None
    author: str | None = None
    tag: str | None = None
    sort: Sort = "relevance"
    page: int = 1
    size: int = DEFAULT_SIZE
    cursor: str | None = None
    filters: dict[str, object] = field(default_factory=dict, compare=False)

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.size


def search_params(
    q: str | None = None,
    categories: list[str] | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    author: str | None = None,
    tag: str | None = None,
    sort: Sort = "relevance",
    page: int = 1,
    size: int = DEFAULT_SIZE,
    cursor: str | None = None,
) -> SearchParams:
    """Normalise and cross-check the parameters; raise InvalidRequest naming the bad one."""
    text = normalise_text(q)
    if len(text) > MAX_QUERY_CHARS:
        raise InvalidRequest(f"q is longer than {MAX_QUERY_CHARS} characters", "q")
    if len(text.split()) > MAX_QUERY_WORDS:
        raise InvalidRequest(f"q has more than {MAX_QUERY_WORDS} words", "q")
    cats = tuple(
        dict.fromkeys(
            c.lower() for c in (normalise_text(c, unescape=True) for c in categories or []) if c
        )
    )
    if len(cats) > MAX_CATEGORIES:
        raise InvalidRequest(f"at most {MAX_CATEGORIES} categories", "category")
    for name, value in (
        ("category", max(cats, key=len, default="")),
        ("author", author),
        ("tag", tag),
    ):
        if value and len(value) > MAX_FILTER_CHARS:
            raise InvalidRequest(f"{name} is longer than {MAX_FILTER_CHARS} characters", name)
    if date_from and date_to and date_from > date_to:
        raise InvalidRequest("date_from is after date_to", "date_from")
    if cursor is not None and page != 1:
        raise InvalidRequest("use either page or cursor, not both", "cursor")
    if cursor is None and page * size > RESULT_WINDOW:
        raise InvalidRequest(
            f"page x size may not exceed {RESULT_WINDOW}; follow next_cursor to go further",
            "page",
            code="page_too_deep",
        )
    author_n = normalise_text(author, unescape=True).lower() or None
    tag_n = normalise_text(tag, unescape=True).lower() or None
    filters: dict[str, object] = {
        k: v
        for k, v in {
            "category": list(cats),
            "date_from": date_from.isoformat() if date_from else None,
            "date_to": date_to.isoformat() if date_to else None,
            "author": author_n,
            "tag": tag_n,
        }.items()
        if v
    }
    return SearchParams(
        q=text,
        categories=cats,
        date_from=date_from,
        date_to=date_to,
        author=author_n,
        tag=tag_n,
        sort=sort,
        page=page,
        size=size,
        cursor=cursor,
        filters=filters,
    )
