"""The rules document editors write, as strict data: nothing in it can become query DSL.

Every value is a plain string, list or object of the expected shape (pydantic strict mode: no
numbers where strings belong, no unknown keys); article ids follow the article id contract;
every list and string is bounded. The limits are documented in docs/editors.md.
"""

from __future__ import annotations

import json
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError

MAX_DOCUMENT_BYTES = 2_000_000
MAX_SYNONYM_GROUPS = 5_000
MAX_FORMS_PER_GROUP = 10
MAX_PINS = 1_000
MAX_IDS_PER_PIN = 10
MAX_HIDES = 1_000
MAX_IDS_PER_HIDE = 50
MAX_CATEGORY_ENTRIES = 1_000
MAX_SITE_CATEGORIES = 100
MAX_FORM_CHARS = 200
MAX_QUERY_CHARS = 200  # the longest query a reader can send (search.params.MAX_QUERY_CHARS)
MAX_CATEGORY_CHARS = 100  # a category label (articles.categories.MAX_LABEL_CHARS)
# The article id contract (cariberita.articles: ids are ASCII, at most 200 characters).
ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._:\-]{0,199}$"

Form = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_FORM_CHARS)
]
QueryText = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_QUERY_CHARS)
]
ArticleId = Annotated[str, StringConstraints(pattern=ID_PATTERN)]
# Not stripped: as a dict key, a stripped "Celebrity " would silently replace "Celebrity" (the
# last one wins). Validation compares labels as the index does (``compiled.category_key``) and
# refuses two that are one category, or a label that is empty after that normalisation.
Category = Annotated[str, StringConstraints(min_length=1, max_length=MAX_CATEGORY_CHARS)]

# Validators built on the first document read, not at import: a search container without
# editors' rules never builds them (~5 ms of its cold start); rules.compiled's empty NO_RULES is
# constructed, not validated.
_STRICT = ConfigDict(strict=True, extra="forbid", frozen=True, defer_build=True)


class Pin(BaseModel):
    """These articles first, in this order, for this query."""

    model_config = _STRICT
    query: QueryText
    ids: Annotated[list[ArticleId], Field(min_length=1, max_length=MAX_IDS_PER_PIN)]


class Hide(BaseModel):
    """These articles never appear for this query."""

    model_config = _STRICT
    query: QueryText
    ids: Annotated[list[ArticleId], Field(min_length=1, max_length=MAX_IDS_PER_HIDE)]


class RulesDocument(BaseModel):
    """The whole document; every key is optional, an empty document clears every rule."""

    model_config = _STRICT
    synonyms: Annotated[
        list[Annotated[list[Form], Field(min_length=2, max_length=MAX_FORMS_PER_GROUP)]],
        Field(max_length=MAX_SYNONYM_GROUPS),
    ] = []
    pins: Annotated[list[Pin], Field(max_length=MAX_PINS)] = []
    hides: Annotated[list[Hide], Field(max_length=MAX_HIDES)] = []
    categories: Annotated[dict[Category, Category], Field(max_length=MAX_CATEGORY_ENTRIES)] = {}

    def counts(self) -> dict[str, int]:
        return {
            "synonyms": len(self.synonyms),
            "pins": len(self.pins),
            "hides": len(self.hides),
            "categories": len(self.categories),
        }


class RulesRejected(Exception):
    """A rules document that cannot be applied; ``problems`` names each reason."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


def _where(loc: tuple[int | str, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "document"


class _DuplicateKey(Exception):
    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """A JSON object whose keys are all different: with a repeated key, json keeps the last
    and an editor's earlier pins or mappings would vanish without a word."""
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise _DuplicateKey(key)
        out[key] = value
    return out


def parse(data: bytes | str | dict[str, Any]) -> RulesDocument:
    """The document from JSON text or an already parsed object; raises RulesRejected."""
    if isinstance(data, bytes | str):
        if len(data) > MAX_DOCUMENT_BYTES:
            raise RulesRejected([f"document is larger than {MAX_DOCUMENT_BYTES} bytes"])
        try:
            data = json.loads(data, object_pairs_hook=_unique_keys)
        except _DuplicateKey as exc:
            raise RulesRejected([f"key {exc.key!r} appears twice in one object"]) from exc
        except RecursionError as exc:
            raise RulesRejected(["not valid JSON: nested too deeply"]) from exc
        except (ValueError, UnicodeDecodeError) as exc:
            raise RulesRejected([f"not valid JSON: {exc}"]) from exc
    if not isinstance(data, dict):
        raise RulesRejected(
            ["a rules document is a JSON object with synonyms, pins, hides, categories"]
        )
    try:
        return RulesDocument.model_validate(data)
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            message = str(err.get("msg", "invalid")).removeprefix("Value error, ")
            if err.get("type") == "extra_forbidden":
                message = (
                    "unknown key (allowed: synonyms, pins, hides, categories; pin/hide: query, ids)"
                )
            if err.get("type") == "string_pattern_mismatch":
                message = "not an article id (letters, digits, . _ : -, at most 200 characters)"
            problems.append(f"{_where(tuple(err['loc']))}: {message}")
        raise RulesRejected(problems) from exc
