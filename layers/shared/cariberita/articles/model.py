"""The article contract: what an editor's record must hold, normalised and bounded.

``Article.model_validate(record)`` accepts a record as editors and the corpus write it
(``category`` as text, breadcrumb or list; dates as ISO 8601 or Indonesian text; ``tags`` as a
list or ``a; b`` text; the corpus' ``source`` domain as ``publisher``) and yields a clean,
typed article with a deterministic ``id``. ``Tombstone`` is a record that unpublishes one.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
    model_validator,
)

from cariberita.articles import urls
from cariberita.articles.categories import split_breadcrumb
from cariberita.articles.dates import check_window, parse_date, version_millis
from cariberita.articles.ids import ID_PATTERN, derive_id
from cariberita.articles.images import ALIASES as IMAGE_ALIASES
from cariberita.articles.images import image_from_record
from cariberita.articles.text import clean_body, clean_line

MAX_TITLE_CHARS = 1_000
# Five times the longest of the shared corpus's 21,936 articles (20,027 characters) and about
# 15,000 words. Every hit's stored document is read whole for its fields and marks, so a page of
# the longest bodies costs in proportion to this bound (docs/reliability.md, "Bounded cost per
# request"); a longer body is rejected with its reason, never cut.
MAX_BODY_CHARS = 100_000
MAX_AUTHOR_CHARS = 200
MAX_CAPTION_CHARS = 1_000
MAX_TAGS = 50
MAX_TAG_CHARS = 100
MAX_URL_CHARS = 2_048
_DOMAIN = re.compile(r"^[a-z0-9-]+(\.[a-z0-9-]+)+$")


def _id_as_text(value: Any) -> Any:
    # Spreadsheets and JSON exports give numeric ids as numbers (123, not "123").
    return str(value) if isinstance(value, int) else value


# An article id as a record gives it, for articles and retractions alike: a retraction must
# name the article by the id the article itself was read with.
ArticleId = Annotated[
    str,
    BeforeValidator(_id_as_text),
    StringConstraints(strip_whitespace=True, pattern=ID_PATTERN),
]


class Article(BaseModel):
    """One article, ready to become an index document (see ``document.to_document``)."""

    model_config = ConfigDict(frozen=True, extra="ignore", str_strip_whitespace=True)

    id: ArticleId
    title: str = Field(min_length=1, max_length=MAX_TITLE_CHARS)
    body: str = Field(min_length=1, max_length=MAX_BODY_CHARS)
    categories: list[str] = Field(default_factory=list)
    published_at: datetime | None = None
    updated_at: datetime | None = None
    author: str | None = Field(default=None, max_length=MAX_AUTHOR_CHARS)
    editor: str | None = Field(default=None, max_length=MAX_AUTHOR_CHARS)
    image_caption: str | None = Field(default=None, max_length=MAX_CAPTION_CHARS)
    tags: list[str] = Field(default_factory=list, max_length=MAX_TAGS)
    url: str | None = Field(default=None, max_length=MAX_URL_CHARS)
    publisher: str | None = Field(default=None, max_length=253)
    # https only; an unusable picture is dropped, never a reason to refuse (articles/images.py).
    image_url: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _from_record(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            raise ValueError(f"an article is a JSON object, got {type(data).__name__}")
        data = {k: v for k, v in data.items() if v is not None and v != ""}
        if any(name in data for name in IMAGE_ALIASES):
            image = image_from_record(data)
            data = {k: v for k, v in data.items() if k not in IMAGE_ALIASES}
            if image:
                data["image_url"] = image
        if "category" in data and "categories" not in data:
            data["categories"] = data.pop("category")
        source = data.pop("source", None)
        if "publisher" not in data and isinstance(source, str) and _DOMAIN.match(source.lower()):
            data["publisher"] = source.lower()  # the corpus names the publisher domain "source"
        if "id" not in data and isinstance(data.get("title"), str) and data["title"].strip():
            url = data.get("url") if isinstance(data.get("url"), str) else None
            published = data.get("published_at")
            try:
                when = parse_date(published) if published is not None else None
            except ValueError:
                when = None  # the published_at validator reports it, named after the field
            data["id"] = derive_id(url, data["title"], when)
        return data

    @field_validator("title", "author", "editor", "image_caption", "publisher", mode="before")
    @classmethod
    def _one_line(cls, value: Any) -> Any:
        return clean_line(value) if isinstance(value, str) else value

    @field_validator("body", mode="before")
    @classmethod
    def _body(cls, value: Any) -> Any:
        return clean_body(value) if isinstance(value, str) else value

    @field_validator("categories", mode="before")
    @classmethod
    def _categories(cls, value: Any) -> Any:
        return split_breadcrumb(value) if isinstance(value, str | list | tuple) else value

    @field_validator("published_at", "updated_at", mode="before")
    @classmethod
    def _date(cls, value: Any) -> Any:
        return check_window(parse_date(value))

    @field_validator("tags", mode="before")
    @classmethod
    def _tags(cls, value: Any) -> Any:
        if isinstance(value, str):
            value = re.split(r"[;,]", value)
        if not isinstance(value, list | tuple):
            return value
        tags: list[str] = []
        seen: set[str] = set()  # linear de-duplication; stops past the limit
        for tag in value:
            if not isinstance(tag, str):
                raise ValueError("tags must be text")
            tag = clean_line(tag)
            if len(tag) > MAX_TAG_CHARS:
                raise ValueError(f"tag longer than {MAX_TAG_CHARS} characters")
            if tag and tag.casefold() not in seen:
                if len(tags) == MAX_TAGS:
                    raise ValueError(f"more than {MAX_TAGS} tags")
                seen.add(tag.casefold())
                tags.append(tag)
        return tags

    @field_validator("url")
    @classmethod
    def _url(cls, value: str | None) -> str | None:
        if value is None:
            return None
        why = urls.problem(value)
        if why is not None:
            raise ValueError(f"url {why}")
        return value

    @property
    def version(self) -> int:
        """External version for newer-wins: ``updated_at``, else ``published_at``, in
        milliseconds since 1900 (``dates.version_millis``); 0 for an undated article."""
        when = self.updated_at or self.published_at
        return version_millis(when) if when else 0

    @property
    def category_path(self) -> str | None:
        return " / ".join(self.categories) or None


class Tombstone(BaseModel):
    """``{"id": ..., "deleted": true}`` unpublishes an article; ``updated_at`` guards edits."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    id: ArticleId
    deleted: Literal[True]
    updated_at: datetime | None = None

    @field_validator("updated_at", mode="before")
    @classmethod
    def _date(cls, value: Any) -> Any:
        return None if value in (None, "") else check_window(parse_date(value))

    @property
    def version(self) -> int | None:
        return version_millis(self.updated_at) if self.updated_at else None
