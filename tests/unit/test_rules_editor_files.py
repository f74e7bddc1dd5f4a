"""Rules files as editors get them: from ``synonyms discover``, from ``rules show``, by hand.

Comments (top-level ``_`` keys) are accepted and never stored; a file that names the version it
was written from cannot silently drop rules applied since; category sources that never match
are refused; sources the built-in category map files elsewhere come with a note.
"""

from __future__ import annotations

import json

import pytest
from cariberita.articles import categories
from cariberita.articles.categories import CategoryMap
from cariberita.ingest.events import ObjectEvent
from cariberita.rules import in_force, service
from cariberita.rules.model import RulesDocument, RulesRejected, parse
from cariberita.rules.objects import RulesObject
from cariberita.rules.store import InMemoryRulesStore
from cariberita.rules.uploads import RulesUploads
from cariberita.rules.validation import BREADCRUMB_SEPARATORS

from tests.support.fake_upload_store import FakeUploadStore

IN_FORCE = {
    "synonyms": [["pilkada", "pemilihan kepala daerah"]],
    "pins": [{"query": "gempa", "ids": ["u-1"]}],
    "hides": [{"query": "nama tertentu", "ids": ["u-9"]}],
    "categories": {"Gosip": "Selebriti"},
}
PROPOSAL = ["bpbk", "badan penanggulangan bencana kota"]
EVIDENCE = {"pair": PROPOSAL, "kind": "abbreviation", "articles": 4, "example_ids": ["d-0"]}
NO_MAP = CategoryMap()


def none_missing(ids):
    return set()


def rejected(data, store=None) -> list[str]:
    with pytest.raises(RulesRejected) as info:
        service.check(data, none_missing, store, NO_MAP)
    return info.value.problems


def store_with(*documents: dict) -> InMemoryRulesStore:
    store = InMemoryRulesStore()
    for document in documents:
        service.apply(store, document, "cli:ana", none_missing, NO_MAP)
    return store


# --- comments ---------------------------------------------------------------------------------


def test_a_discovered_file_is_valid_as_it_is_and_its_comments_are_named():
    discovered = {"synonyms": [PROPOSAL], "_discovered": [EVIDENCE], "_about": "review me"}
    checked = service.check(json.dumps(discovered), none_missing, None, NO_MAP)
    assert checked.counts()["synonyms"] == 1
    assert checked.notes == [
        "_discovered, _about: comments (keys starting with _), not rules; not stored"
    ]


def test_comments_are_not_stored_with_the_rules():
    store = store_with({"synonyms": [PROPOSAL], "_discovered": [EVIDENCE]})
    assert set(store.current().rules) == {"synonyms", "pins", "hides", "categories"}


@pytest.mark.parametrize(
    ("document", "named"),
    [
        ({"synonym": [PROPOSAL]}, "synonym: unknown key"),
        ({"categoris": {"Gosip": "Selebriti"}}, "categoris: unknown key"),
        ({"pins": [{"query": "a", "ids": ["u-1"], "_why": "x"}]}, "pins[0]._why: unknown key"),
    ],
)
def test_a_typo_of_a_real_key_or_a_comment_below_the_top_is_still_refused(document, named):
    assert any(named in p for p in rejected(document)), rejected(document)


def test_the_envelope_an_older_rules_show_printed_is_named_as_such():
    envelope = {
        "version": 1,
        "rules": IN_FORCE,
        "applied_at": "2026-12-03T16:36:46+00:00",
        "applied_by": "cli:root",
        "action": "apply",
        "rolled_back_to": None,
    }
    problems = rejected(envelope)
    assert len(problems) == 1
    assert 'keep only what is inside "rules"' in problems[0]


@pytest.mark.parametrize("value", ["7", True, -1, 1.5, [7]])
def test_based_on_version_is_a_version_number_or_null(value):
    problems = rejected({"_based_on_version": value})
    assert problems == [f"_based_on_version: a version number (0 or more) or null, not {value!r}"]


# --- not dropping the rules in force -------------------------------------------------------------


def test_a_file_without_based_on_replaces_the_rules_in_force_as_always():
    store = store_with(IN_FORCE)
    service.apply(store, {"synonyms": [PROPOSAL]}, "cli:ana", none_missing, NO_MAP)
    assert store.current().rules["pins"] == []


def test_a_file_written_from_the_version_in_force_may_delete_rules_on_purpose():
    store = store_with(IN_FORCE)
    edited = {"_based_on_version": 1, "synonyms": [PROPOSAL]}
    assert service.apply(store, edited, "cli:ana", none_missing, NO_MAP).entry.version == 2


def test_a_stale_file_that_would_undo_rules_applied_since_is_refused():
    store = store_with(IN_FORCE)
    written = in_force.with_proposals(store.current(), [PROPOSAL], [EVIDENCE])
    newer = {**IN_FORCE, "pins": [*IN_FORCE["pins"], {"query": "banjir", "ids": ["u-2"]}]}
    service.apply(store, newer, "cli:budi", none_missing, NO_MAP)

    problems = rejected(written, store)

    assert len(problems) == 1
    assert "written from version 1 of the rules, and version 2 is in force" in problems[0]
    assert "the pin for 'banjir'" in problems[0]
    assert store.current().version == 2


def test_a_stale_file_that_loses_nothing_is_applied():
    store = store_with(IN_FORCE)
    written = in_force.with_proposals(store.current(), [PROPOSAL], [EVIDENCE])
    service.apply(store, written, "cli:ana", none_missing, NO_MAP)
    # Applied again after an edit of one's own: version 2 is in force, nothing of it is lost.
    again = {**written, "synonyms": [*written["synonyms"], ["jateng", "jawa tengah"]]}
    assert service.apply(store, again, "cli:ana", none_missing, NO_MAP).entry.version == 3


def test_a_file_written_without_the_rules_in_force_is_refused_while_it_would_drop_them():
    store = store_with(IN_FORCE)
    offline = in_force.proposals_only([PROPOSAL], [EVIDENCE])

    problems = rejected(offline, store)

    assert "written without reading the rules in force (version 1)" in problems[0]
    for lost in ("the synonyms", "the pin for 'gempa'", "the hide for", "the category 'Gosip'"):
        assert lost in problems[0]


def test_a_file_written_without_the_rules_in_force_applies_when_none_are_in_force():
    store = InMemoryRulesStore()
    offline = in_force.proposals_only([PROPOSAL], [EVIDENCE])
    applied = service.apply(store, offline, "cli:ana", none_missing, NO_MAP)
    assert store.current().rules["synonyms"] == [PROPOSAL]
    assert applied.notes  # the evidence was read as comments


def test_discover_writes_the_rules_in_force_then_the_proposals_they_lack():
    store = store_with(IN_FORCE)
    known = ["Pemilihan Kepala Daerah", "PILKADA"]  # in force already, in other capitals
    written = in_force.with_proposals(store.current(), [known, PROPOSAL], [{}, EVIDENCE])
    assert written["_based_on_version"] == 1
    assert written["synonyms"] == [*IN_FORCE["synonyms"], PROPOSAL]
    assert written["_discovered"] == [EVIDENCE]
    assert {k: written[k] for k in ("pins", "hides", "categories")} == {
        k: IN_FORCE[k] for k in ("pins", "hides", "categories")
    }
    assert service.check(written, none_missing, store, NO_MAP).counts()["synonyms"] == 2


def test_lost_names_what_a_new_document_no_longer_has():
    old = parse(IN_FORCE)
    assert in_force.lost(old, old) == []
    wider = parse({**IN_FORCE, "synonyms": [["pilkada", "pemilihan kepala daerah", "pemilu"]]})
    assert in_force.lost(old, wider) == []
    assert in_force.lost(old, RulesDocument()) == [
        "the synonyms ['pilkada', 'pemilihan kepala daerah']",
        "the pin for 'gempa'",
        "the hide for 'nama tertentu'",
        "the category 'Gosip' -> 'Selebriti'",
    ]


# --- categories ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "level"),
    [
        ("BERITA UTAMA / HUKRIM", "'HUKRIM'"),
        ("Home / Bola", "'Bola'"),
        ("Berita > Daerah", "'Daerah'"),
        ("Hiburan » Film", "'Film'"),
        ("Nasional | Politik", "'Politik'"),
        ("Hukrim/", "'Hukrim'"),
    ],
)
def test_a_category_source_holding_a_breadcrumb_is_refused_naming_the_level(source, level):
    problems = rejected({"categories": {source: "Hukum"}})
    assert problems == [
        f"categories: {source!r} is a breadcrumb: articles store its levels apart"
        f" ({', '.join(repr(x) for x in categories.split_breadcrumb(source))}), so it never"
        f" matches; map one level, e.g. {level} (the most specific)"
    ]


def test_the_separators_refused_are_the_ones_ingest_splits_breadcrumbs_at():
    assert BREADCRUMB_SEPARATORS == categories._SEPARATORS


def test_a_category_source_without_a_separator_is_accepted():
    assert service.check({"categories": {"Hukum & Kriminal": "Hukum"}}, none_missing, None, NO_MAP)


def test_a_source_the_built_in_map_files_elsewhere_comes_with_a_note():
    checked = service.check({"categories": {"Celebrity": "Selebriti"}}, none_missing)
    assert checked.notes == [
        "categories: 'Celebrity' is already filed under 'Hiburan' by the built-in category map."
        " Articles indexed before this rule stay in 'Hiburan' and also count as 'Selebriti';"
        " articles uploaded from now on count as 'Selebriti' only (upload the older ones again"
        " to move them)"
    ]


@pytest.mark.parametrize(
    "categories_",
    [{"Bola": "olahraga"}, {"Gosip": "Selebriti"}, {"Hiburan": "Selebriti"}],
)
def test_a_source_filed_the_same_way_or_not_at_all_has_no_note(categories_):
    assert service.check({"categories": categories_}, none_missing).notes == []


def test_an_upload_report_carries_the_notes():
    store, bucket = InMemoryRulesStore(), FakeUploadStore()
    document = json.dumps({"categories": {"Sports": "Bola"}, "_why": "the desk asked"}).encode()
    bucket.put("berita", "rules/aturan.json", document)
    uploads = RulesUploads(
        store, none_missing, bucket, read=lambda b, k: RulesObject(bucket.objects[(b, k)], "v1")
    )

    uploads.handle(ObjectEvent("created", "berita", "rules/aturan.json", "v1", "0A"))

    report = bucket.report("berita", "reports/rules/aturan.json.json")
    assert report["status"] == "applied"
    assert report["notes"][0].startswith("_why: comments")
    assert "'Sports' is already filed under 'Olahraga'" in report["notes"][1]


class _WriteInFlight(InMemoryRulesStore):
    """Another editor's version is written but not yet current, and the first read of the
    newest version still misses it (OpenSearch shows it after a refresh): the window two
    editors applying at once fall into."""

    def __init__(self, other: dict) -> None:
        super().__init__()
        self.other = other
        self.stale_reads = 1

    def latest_version(self) -> int:
        newest = super().latest_version()
        if self.stale_reads and self.pointer is not None and newest > self.pointer.version:
            self.stale_reads -= 1
            return self.pointer.version
        return newest

    def start_other_write(self) -> None:
        entry = service.StoredVersion(
            version=super().latest_version() + 1,
            rules=parse(self.other).model_dump(mode="json"),
            applied_at="2026-12-03T00:00:00+00:00",
            applied_by="cli:budi",
            action="apply",
            rolled_back_to=None,
        )
        assert self.add_version(entry)  # written; set_current not yet


def test_a_stale_file_never_overwrites_a_version_written_while_it_was_applied():
    # Two editors apply files written from version 1; Budi's version 2 (a new pin) is written
    # but not current when Ana's check runs. Ana's file must be refused, not written as
    # version 3 without Budi's pin (it was, 23 times in 60 trials on a real node).
    newer = {**IN_FORCE, "pins": [*IN_FORCE["pins"], {"query": "banjir", "ids": ["u-2"]}]}
    store = _WriteInFlight(newer)
    service.apply(store, IN_FORCE, "cli:ana", none_missing, NO_MAP)
    written = in_force.with_proposals(store.current(), [PROPOSAL], [EVIDENCE])
    store.start_other_write()

    with pytest.raises(RulesRejected) as info:
        service.apply(store, written, "cli:ana", none_missing, NO_MAP)

    assert "the pin for 'banjir'" in info.value.problems[0]
    assert store.latest_version() == 2
