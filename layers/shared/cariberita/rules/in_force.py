"""Files written from the rules in force: what applying one would lose, and a guard against it.

A file that says which version it was written from (the ``_based_on_version`` comment, which
``cariberita-admin synonyms discover`` writes) is applied only when that version is still in
force, or when applying it loses nothing in force. ``null`` says it was written without reading
the rules (``discover --from-file``): it is applied only while it loses nothing. A file without
the comment replaces the rules in force, as every rules file does (docs/editors.md).
"""

from __future__ import annotations

from typing import Any

from cariberita.rules.compiled import category_key, query_key
from cariberita.rules.model import BASED_ON, RulesDocument, RulesFile
from cariberita.rules.store import RulesStore, StoredVersion
from cariberita.search.synonyms import fold

_SHOWN_LOSSES = 5


def document_of(current: StoredVersion | None) -> RulesDocument:
    """The rules of a stored version (none in force: the empty document)."""
    return RulesDocument.model_validate(current.rules) if current else RulesDocument()


def lost(in_force: RulesDocument, new: RulesDocument) -> list[str]:
    """What in ``in_force`` ``new`` no longer has, in the editors' words (one line each)."""
    return [
        *_lost_synonyms(in_force, new),
        *_lost_queries("pin", in_force.pins, new.pins),
        *_lost_queries("hide", in_force.hides, new.hides),
        *_lost_categories(in_force, new),
    ]


def _lost_synonyms(in_force: RulesDocument, new: RulesDocument) -> list[str]:
    # A group is kept when one group of the new file holds every form of it (maybe with more).
    kept = [{fold(form) for form in group} for group in new.synonyms]
    return [
        f"the synonyms {group}"
        for group in in_force.synonyms
        if not any({fold(form) for form in group} <= forms for forms in kept)
    ]


def _lost_queries(kind: str, in_force: list[Any], new: list[Any]) -> list[str]:
    # Pins keep their order; a hide is kept while the new one hides at least the same articles.
    ids = {query_key(entry.query): entry.ids for entry in new}
    out = []
    for entry in in_force:
        now = ids.get(query_key(entry.query))
        same = now == entry.ids if kind == "pin" else now is not None and set(entry.ids) <= set(now)
        if not same:
            out.append(f"the {kind} for {entry.query!r}")
    return out


def _lost_categories(in_force: RulesDocument, new: RulesDocument) -> list[str]:
    mapped = {category_key(k): category_key(v) for k, v in new.categories.items()}
    return [
        f"the category {source!r} -> {site!r}"
        for source, site in in_force.categories.items()
        if mapped.get(category_key(source)) != category_key(site)
    ]


def based_on_problems(file: RulesFile, store: RulesStore, latest: int | None = None) -> list[str]:
    """Why ``file`` may not replace the rules in force now (nothing when it may).

    ``latest``: judge it against that version instead of the one in force. Apply passes the
    newest version written, just before writing the next one: another editor's version can be
    written a moment before it becomes current, and checking only against ``current`` let a
    stale file be written over it (service._write).
    """
    if not file.has_based_on:
        return []
    current = _newest(store, latest)
    version = current.version if current else 0
    if file.based_on == version:
        return []
    losses = lost(document_of(current), file.document)
    if not losses:
        return []
    shown = "; ".join(losses[:_SHOWN_LOSSES])
    more = f" and {len(losses) - _SHOWN_LOSSES} more" if len(losses) > _SHOWN_LOSSES else ""
    written = (
        f"was written from version {file.based_on} of the rules, and version {version} is in force"
        if file.based_on is not None
        else f"was written without reading the rules in force (version {version})"
    )
    return [
        f"{BASED_ON}: this file {written}; applying it would remove {shown}{more}. Write it again"
        " (cariberita-admin synonyms discover through the index merges the rules in force), or"
        " add those rules to it"
    ]


def _newest(store: RulesStore, latest: int | None) -> StoredVersion | None:
    if latest is None:
        return store.current()
    return store.version(latest) if latest else None


def with_proposals(
    current: StoredVersion | None, proposals: list[list[str]], evidence: list[dict[str, Any]]
) -> dict[str, Any]:
    """A rules file: the rules in force, then the proposed synonym groups they lack (with the
    evidence of those), and the version it was written from."""
    in_force = document_of(current)
    have = [{fold(form) for form in group} for group in in_force.synonyms]
    added = [
        (group, proof)
        for group, proof in zip(proposals, evidence, strict=True)
        if not any({fold(form) for form in group} <= forms for forms in have)
    ]
    rules = in_force.model_dump(mode="json")
    rules["synonyms"] = [*rules["synonyms"], *(group for group, _ in added)]
    version = current.version if current else 0
    about = (
        f"The rules in force (version {version}), then {len(added)} proposed synonym group(s):"
        f" the last {len(added)} of synonyms, evidence in _discovered. Delete the proposals you"
        " do not want, then check and apply the file. Applying replaces the rules in force, and"
        f" is refused if they changed since (version {version}) and this file would undo that."
    )
    return {
        "_about": about,
        BASED_ON: version,
        **rules,
        "_discovered": [proof for _, proof in added],
    }


def proposals_only(proposals: list[list[str]], evidence: list[dict[str, Any]]) -> dict[str, Any]:
    """A rules file of proposals written without reading the rules in force (from a file)."""
    about = (
        f"{len(proposals)} proposed synonym group(s), evidence in _discovered, written without"
        " reading the rules in force. Delete the proposals you do not want, then check and apply"
        " the file. Applying replaces the rules in force, so it is refused while rules are in"
        " force that it lacks: add them (cariberita-admin rules show), or run discover through"
        " the index, which writes them in."
    )
    return {"_about": about, BASED_ON: None, "synonyms": proposals, "_discovered": evidence}
