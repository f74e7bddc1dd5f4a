"""A decoded record (a dict from NDJSON, JSON, CSV or a page) validated: Article or Tombstone."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from cariberita.articles.dates import DateError
from cariberita.articles.model import Article, Tombstone
from cariberita.errors import InvalidArticle


def _is_tombstone(record: dict[str, Any]) -> bool:
    flag = record.get("deleted")
    return flag is True or (isinstance(flag, str) and flag.strip().lower() in ("true", "1", "yes"))


def article_from_record(record: Any) -> Article | Tombstone:
    """Validate one record; raise InvalidArticle with a short, editor-readable reason."""
    try:
        if isinstance(record, dict) and _is_tombstone(record):
            return Tombstone.model_validate({**record, "deleted": True})
        return Article.model_validate(record)
    except ValidationError as exc:
        raise InvalidArticle(describe(exc)) from exc
    except (DateError, ValueError) as exc:
        raise InvalidArticle(str(exc)) from exc


def describe(exc: ValidationError) -> str:
    """``title: Field required; published_at: unreadable date ...`` (no input values echoed)."""
    problems = []
    errors = exc.errors(include_url=False, include_input=False)
    if any(err["loc"][:1] == ("title",) for err in errors):
        # Without a title no id can be derived; saying so twice would only confuse.
        errors = [e for e in errors if not (e["loc"][:1] == ("id",) and e["type"] == "missing")]
    for err in errors:
        where = ".".join(str(p) for p in err["loc"] if not isinstance(p, int)) or "record"
        problems.append(f"{where}: {_message(err)}")
    return "; ".join(problems)


def _message(err: Any) -> str:
    kind, ctx = err["type"], err.get("ctx") or {}
    if kind == "missing":
        return "required field is missing"
    if kind == "string_too_short" and ctx.get("min_length") == 1:
        return "must not be empty"
    if kind == "string_too_long":
        return f"longer than {ctx.get('max_length')} characters"
    if kind == "too_long":
        return f"more than {ctx.get('max_length')} items"
    if kind == "string_pattern_mismatch":
        return "only letters, digits and . _ : - are allowed (at most 200)"
    return str(err["msg"]).removeprefix("Value error, ")
