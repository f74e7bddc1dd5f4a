"""The rules use cases: apply a document, roll back to a version, show, history.

Used by the ingest function (a ``rules/`` upload) and by ``cariberita-admin rules``; both pass
the store and the article-id check, so unit tests pass fakes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from cariberita.articles.categories import CategoryMap
from cariberita.rules import in_force, validation
from cariberita.rules.model import (
    COMMENT_PREFIX,
    RulesDocument,
    RulesFile,
    RulesRejected,
    load,
    parse,
    read,
)
from cariberita.rules.notes import notes
from cariberita.rules.store import RulesStore, StoredVersion

# Two editors applying at the same moment both try version n+1; the loser tries again.
_ATTEMPTS = 5


@dataclass(frozen=True)
class Checked:
    """A valid rules file, and what the editor should know about it (``rules.notes``)."""

    file: RulesFile
    notes: list[str]

    @property
    def document(self) -> RulesDocument:
        return self.file.document

    def counts(self) -> dict[str, int]:
        return self.document.counts()


@dataclass(frozen=True)
class Applied:
    entry: StoredVersion
    counts: dict[str, int]
    notes: list[str] = field(default_factory=list)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def check(
    data: bytes | str | dict[str, Any],
    missing_ids: validation.MissingIds | None,
    store: RulesStore | None = None,
    shipped: CategoryMap | None = None,
) -> Checked:
    """The validated document and its notes; raises RulesRejected naming every problem.

    With ``store``, a file that names the version it was written from is also checked against
    the rules in force (``rules.in_force``); ``shipped`` is the category map ingest uses (default:
    the bundled one).
    """
    try:
        file = read(data)
    except RulesRejected as exc:
        raise RulesRejected(exc.problems + _further(data, missing_ids)) from exc
    problems = validation.problems(file.document, missing_ids)
    if store is not None:
        problems += in_force.based_on_problems(file, store)
    if problems:
        raise RulesRejected(problems)
    return Checked(file, notes(file, shipped))


def _further(
    data: bytes | str | dict[str, Any], missing_ids: validation.MissingIds | None
) -> list[str]:
    """The problems of the known keys when the document also has unknown ones (so one report
    names them all); nothing when even the known keys are malformed."""
    try:
        raw = load(data)
        rules = {k: v for k, v in raw.items() if not str(k).startswith(COMMENT_PREFIX)}
        known = {k: v for k, v in rules.items() if k in RulesDocument.model_fields}
        if len(known) == len(rules):
            return []
        return validation.problems(parse(known), missing_ids)
    except (AttributeError, RulesRejected):
        return []


def apply(
    store: RulesStore,
    data: bytes | str | dict[str, Any],
    applied_by: str,
    missing_ids: validation.MissingIds | None,
    shipped: CategoryMap | None = None,
) -> Applied:
    """Validate the whole document, then write it as the next version and make it current.

    Raises RulesRejected (nothing written, the rules in force unchanged) or RulesUnavailable.
    """
    checked = check(data, missing_ids, store, shipped)

    def still_based(latest: int) -> list[str]:
        return in_force.based_on_problems(checked.file, store, latest)

    rules = checked.document.model_dump(mode="json")
    entry = _write(store, rules, applied_by, "apply", None, still_based)
    return Applied(entry, checked.counts(), checked.notes)


def rollback(store: RulesStore, number: int, applied_by: str) -> Applied:
    """Make version ``number``'s rules current again, as a new version (history stays linear).

    Raises RulesRejected when there is no such version.
    """
    old = store.version(number)
    if old is None:
        raise RulesRejected([f"there is no version {number}"])
    entry = _write(store, old.rules, applied_by, "rollback", number)
    return Applied(entry, RulesDocument.model_validate(old.rules).counts())


def _write(
    store: RulesStore,
    rules: dict[str, Any],
    by: str,
    action: Any,
    target: int | None,
    still_based: Callable[[int], list[str]] | None = None,
) -> StoredVersion:
    """Write ``rules`` as the next version and make it current. ``still_based`` judges the file
    again against the newest version at each attempt: a version another editor wrote since the
    check (or is writing now, not yet current) must not be overwritten by a stale file."""
    for _ in range(_ATTEMPTS):
        latest = store.latest_version()
        problems = still_based(latest) if still_based is not None else []
        if problems:
            raise RulesRejected(problems)
        entry = StoredVersion(
            version=latest + 1,
            rules=rules,
            applied_at=_now(),
            applied_by=by,
            action=action,
            rolled_back_to=target,
        )
        if store.add_version(entry):
            store.set_current(entry)
            return entry
    raise RulesRejected(["another editor is applying rules right now: try again"])


def show(store: RulesStore) -> dict[str, Any]:
    current = store.current()
    if current is None:
        return {"version": 0, "rules": RulesDocument().model_dump(mode="json")}
    return current.as_dict()


def history(store: RulesStore, limit: int = 50) -> list[dict[str, Any]]:
    return [entry.summary() for entry in store.history(limit)]
