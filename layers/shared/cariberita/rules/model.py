"""The rules document editors write, as strict data: nothing in it can become query DSL.

Every value is a plain string, list or object of the expected shape (pydantic strict mode: no
numbers where strings belong, no unknown keys); article ids follow the article id contract;
every list and string is bounded. The limits are documented in docs/editors.md. Top-level keys
starting with ``_`` are comments: kept apart (:class:`RulesFile`), never stored.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
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
# Top-level keys starting with this are comments (as in the bundled category-map.json): the
# evidence ``synonyms discover`` writes, an editor's notes. Only the top level: a typo of a real
# key ("pin", "categoris") is still refused.
COMMENT_PREFIX = "_"
# The one comment apply reads: the version of the rules a file was written from (rules.in_force).
BASED_ON = "_based_on_version"
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


# A document printed by an older ``cariberita-admin rules show``: the version's metadata around
# the rules. Named as such, rather than as six unknown keys, so the editor knows what to keep.
_SHOWN_ENVELOPE = frozenset(
    ("version", "rules", "applied_at", "applied_by", "action", "rolled_back_to")
)


@dataclass(frozen=True)
class RulesFile:
    """A rules file as written: the rules, and its comments (top-level keys starting with
    ``_``: evidence, explanations; never stored, never rules)."""

    document: RulesDocument
    comments: dict[str, Any]

    @property
    def has_based_on(self) -> bool:
        return BASED_ON in self.comments

    @property
    def based_on(self) -> int | None:
        """The version this file was written from (None: written without the rules in force)."""
        value = self.comments.get(BASED_ON)
        return value if isinstance(value, int) else None


def parse(data: bytes | str | dict[str, Any]) -> RulesDocument:
    """The document from JSON text or an already parsed object; raises RulesRejected."""
    return read(data).document


def read(data: bytes | str | dict[str, Any]) -> RulesFile:
    """The rules and the comments of a file; raises RulesRejected naming every problem."""
    raw = load(data)
    if not isinstance(raw, dict):
        raise RulesRejected(
            ["a rules document is a JSON object with synonyms, pins, hides, categories"]
        )
    if "rules" in raw and "version" in raw and set(raw) <= _SHOWN_ENVELOPE:
        raise RulesRejected(
            [
                "this is a version as an older 'rules show' printed it (version, rules, "
                'applied_at, ...): keep only what is inside "rules"'
            ]
        )
    comments = {k: v for k, v in raw.items() if _is_comment(k)}
    rules = {k: v for k, v in raw.items() if not _is_comment(k)}
    problems = _based_on_problems(comments)
    try:
        document = RulesDocument.model_validate(rules)
    except ValidationError as exc:
        raise RulesRejected(_validation_problems(exc) + problems) from exc
    if problems:
        raise RulesRejected(problems)
    return RulesFile(document, comments)


def load(data: bytes | str | dict[str, Any]) -> Any:
    """The JSON value of ``data`` (an already parsed object as it is); raises RulesRejected."""
    if not isinstance(data, bytes | str):
        return data
    if len(data) > MAX_DOCUMENT_BYTES:
        raise RulesRejected([f"document is larger than {MAX_DOCUMENT_BYTES} bytes"])
    try:
        return json.loads(data, object_pairs_hook=_unique_keys)
    except _DuplicateKey as exc:
        raise RulesRejected([f"key {exc.key!r} appears twice in one object"]) from exc
    except RecursionError as exc:
        raise RulesRejected(["not valid JSON: nested too deeply"]) from exc
    except (ValueError, UnicodeDecodeError) as exc:
        raise RulesRejected([f"not valid JSON: {exc}"]) from exc


def _is_comment(key: Any) -> bool:
    return isinstance(key, str) and key.startswith(COMMENT_PREFIX)


def _based_on_problems(comments: dict[str, Any]) -> list[str]:
    value = comments.get(BASED_ON)
    if value is None or (isinstance(value, int) and not isinstance(value, bool) and value >= 0):
        return []
    return [f"{BASED_ON}: a version number (0 or more) or null, not {value!r}"]


def _validation_problems(exc: ValidationError) -> list[str]:
    problems = []
    for err in exc.errors():
        message = str(err.get("msg", "invalid")).removeprefix("Value error, ")
        if err.get("type") == "extra_forbidden":
            message = (
                "unknown key (allowed: synonyms, pins, hides, categories, and comments"
                " starting with _; pin/hide: query, ids)"
            )
        if err.get("type") == "string_pattern_mismatch":
            message = "not an article id (letters, digits, . _ : -, at most 200 characters)"
        problems.append(f"{_where(tuple(err['loc']))}: {message}")
    return problems
