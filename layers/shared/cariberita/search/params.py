"""What a reader may ask for: one frozen model per search request, normalised and cross-checked.

A filter is declared once, as a field of :class:`Filters`: its type, its normalisation, its
limits and how it arrives (:class:`Input`). Its OpenSearch clause is the entry of the same name
in ``cariberita.search.query.CLAUSES``. Everything else reaches every filter through the model:
the HTTP query parameters are derived from the fields, the cursor fingerprint and query
analytics use :meth:`Filters.asked`, and a variant of a request (the first page of a cursor's
query, search/collapse.py) is a ``model_copy`` of it.
"""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any, Literal, Self, cast

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    model_validator,
)

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
MAX_SUGGEST_WORDS = 10
# Text limits hold on the normalised text (bounded_text). The text as sent is only held to
# RAW_SLACK times the limit first, so that the work of normalising it stays bounded: a letter
# with its combining accents (e + U+0301) is several code points that NFKC makes one, and such a
# query must be judged on what it becomes, not refused for its raw length.
RAW_SLACK = 4
MAX_RAW_QUERY_CHARS = MAX_QUERY_CHARS * RAW_SLACK
MAX_RAW_SUGGEST_CHARS = MAX_SUGGEST_CHARS * RAW_SLACK

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
class Input:
    """How a parameter arrives, checked at the edge before it is normalised.

    ``type`` is the raw type a caller sends (a list for a repeatable parameter); the limits apply
    to the raw value (``max_chars`` to each item of a list). The HTTP edge derives its query
    parameters, their validation and their OpenAPI description from these.
    """

    type: Any
    description: str | None = None
    max_chars: int | None = None
    max_items: int | None = None
    minimum: int | None = None
    maximum: int | None = None


def bounded_text(value: str | None, max_chars: int, max_words: int, name: str = "q") -> str:
    """``value`` normalised, then held to its limits: a limit on the raw text alone lets a code
    point that NFKC expands 18-fold (U+FDFA) through, and the cost follows the normalised text.
    """
    text = normalise_text(value)
    if len(text) > max_chars:
        raise InvalidRequest(f"{name} is longer than {max_chars} characters", name)
    if len(text.split()) > max_words:
        raise InvalidRequest(f"{name} has more than {max_words} words", name)
    return text


def suggest_text(value: str | None) -> str:
    """The text of a ``/suggest`` request, normalised and bounded like ``q`` of a search."""
    return bounded_text(value, MAX_SUGGEST_CHARS, MAX_SUGGEST_WORDS)


def _text(value: object) -> str:
    return bounded_text(cast(str | None, value), MAX_QUERY_CHARS, MAX_QUERY_WORDS)


def _keyword(value: object, info: ValidationInfo) -> str | None:
    """A single keyword filter: unescaped, normalised, lowercased; None when empty."""
    raw = cast(str | None, value)
    name = info.field_name or "filter"
    if raw and len(raw) > MAX_FILTER_CHARS:
        raise InvalidRequest(f"{name} is longer than {MAX_FILTER_CHARS} characters", name)
    text = normalise_text(raw, unescape=True).lower()
    if len(text) > MAX_FILTER_CHARS:  # again after NFKC and unescaping, which can expand it
        raise InvalidRequest(f"{name} is longer than {MAX_FILTER_CHARS} characters", name)
    return text or None


def _categories(value: object) -> tuple[str, ...]:
    """Category values: each as :func:`_keyword`, duplicates dropped."""
    name = "category"
    raw = cast("list[str] | tuple[str, ...] | None", value) or ()
    values = tuple(
        dict.fromkeys(v.lower() for v in (normalise_text(r, unescape=True) for r in raw) if v)
    )
    if len(values) > MAX_CATEGORIES:
        raise InvalidRequest(f"at most {MAX_CATEGORIES} categories", name)
    if any(len(v) > MAX_FILTER_CHARS for v in values):
        raise InvalidRequest(f"{name} is longer than {MAX_FILTER_CHARS} characters", name)
    return values


def _keywords(value: object, info: ValidationInfo) -> tuple[str, ...]:
    """A repeatable keyword filter (``publisher``): each as :func:`_keyword`, no duplicates."""
    name = info.field_name or "filter"
    raw = cast("list[str] | tuple[str, ...] | None", value) or ()
    values = tuple(
        dict.fromkeys(v.lower() for v in (normalise_text(r, unescape=True) for r in raw) if v)
    )
    if len(values) > MAX_CATEGORIES:
        raise InvalidRequest(f"at most {MAX_CATEGORIES} values of {name}", name)
    if any(len(v) > MAX_FILTER_CHARS for v in values):
        raise InvalidRequest(f"{name} is longer than {MAX_FILTER_CHARS} characters", name)
    return values


Keyword = Annotated[str | None, Input(str, max_chars=MAX_FILTER_CHARS), BeforeValidator(_keyword)]
"""A keyword filter (``author``, ``tag``): one value, compared case-insensitively."""

Day = Annotated[IsoDay | None, Input(IsoDay, description="Inclusive, yyyy-MM-dd in WIB")]

_FROZEN = ConfigDict(frozen=True, extra="forbid")
_PLAIN_NUMBER = "Digits only, no sign, space or leading 0 (2, not +2, 02 or 2_0)"
_QUERY_TEXT = (
    f"Free text, at most {MAX_QUERY_CHARS} characters and {MAX_QUERY_WORDS} words after NFKC "
    f"normalisation ({MAX_RAW_QUERY_CHARS} as sent); empty: latest articles"
)


class Filters(BaseModel):
    """Every filter of a search; a field here plus its clause in ``query.CLAUSES`` adds one."""

    model_config = _FROZEN

    category: Annotated[
        tuple[str, ...],
        Input(
            list[str],
            "Repeatable; any level of the category path, case-insensitive",
            max_chars=MAX_FILTER_CHARS,
            max_items=MAX_CATEGORIES,
        ),
        BeforeValidator(_categories),
    ] = ()
    date_from: Day = None
    date_to: Day = None
    author: Keyword = None
    tag: Keyword = None
    publisher: Annotated[
        tuple[str, ...],
        Input(
            list[str],
            "Repeatable; any of them, e.g. kompas.com (case-insensitive)",
            max_chars=MAX_FILTER_CHARS,
            max_items=MAX_CATEGORIES,
        ),
        BeforeValidator(_keywords),
    ] = ()

    @model_validator(mode="after")
    def _dates_in_order(self) -> Self:
        if self.date_from and self.date_to and self.date_from > self.date_to:
            raise InvalidRequest("date_from is after date_to", "date_from")
        return self

    def given(self) -> dict[str, Any]:
        """The filters the reader set (name -> value); unset ones are left out."""
        return self.model_dump(exclude_defaults=True)

    def asked(self) -> dict[str, Any]:
        """:meth:`given` as JSON values: the cursor fingerprint and the analytics ``filters``."""
        return self.model_dump(mode="json", exclude_defaults=True)


class SearchParams(BaseModel):
    """A validated search request; build it with :meth:`from_query`, vary it with ``model_copy``."""

    model_config = _FROZEN

    q: Annotated[
        str,
        Input(str, _QUERY_TEXT, max_chars=MAX_RAW_QUERY_CHARS),
        BeforeValidator(_text),
    ] = ""
    filters: Filters = Filters()
    sort: Annotated[Sort, Input(Sort)] = "relevance"
    page: Annotated[int, Field(ge=1), Input(int, _PLAIN_NUMBER, minimum=1, maximum=MAX_PAGE)] = 1
    size: Annotated[int, Field(ge=1), Input(int, _PLAIN_NUMBER, minimum=1, maximum=MAX_SIZE)] = (
        DEFAULT_SIZE
    )
    cursor: Annotated[str | None, Input(str, "next_cursor", max_chars=MAX_CURSOR_CHARS)] = None
    collapse: Annotated[
        bool, Input(bool, "One result per story (copies from other publishers folded in)")
    ] = True

    @model_validator(mode="after")
    def _paging(self) -> Self:
        if self.cursor is not None and self.page != 1:
            raise InvalidRequest("use either page or cursor, not both", "cursor")
        if self.cursor is None and self.page * self.size > RESULT_WINDOW:
            raise InvalidRequest(
                f"page x size may not exceed {RESULT_WINDOW}; follow next_cursor to go further",
                "page",
                code="page_too_deep",
            )
        return self

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.size

    @classmethod
    def filters_model(cls) -> type[Filters]:
        return cast(type[Filters], cls.model_fields["filters"].annotation)

    @classmethod
    def from_query(cls, **values: Any) -> Self:
        """The request from query parameters named as callers send them (filters flat).

        Raises InvalidRequest naming the parameter it refuses; an unknown name is a bug.
        """
        names = cls.filters_model().model_fields
        filters = {k: v for k, v in values.items() if k in names}
        rest = {k: v for k, v in values.items() if k not in names}
        try:
            return cls.model_validate({**rest, "filters": filters})
        except ValidationError as exc:
            raise _refused(exc) from exc


def _refused(exc: ValidationError) -> InvalidRequest:
    for err in exc.errors():
        names = [str(p) for p in err["loc"] if not isinstance(p, int) and p != "filters"]
        field = names[-1] if names else None
        message = str(err.get("msg", "invalid value")).removeprefix("Value error, ")
        return InvalidRequest(f"{field}: {message}" if field else message, field)
    return InvalidRequest("invalid request")
