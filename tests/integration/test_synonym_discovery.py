"""``cariberita-admin synonyms discover`` end to end: articles in a real index, a rules file out.

The articles are our own fictional sentences; the command scrolls them back out of the alias.
"""

from __future__ import annotations

import json
from pathlib import Path

from cariberita import admin
from opensearchpy import helpers

ARTICLES = [
    ("s1", "Paguyuban Lumbung Sejahtera (Palus) rapat", "Anggota Palus datang pagi."),
    ("s2", "Banjir di Kali Ireng", "Palus (Paguyuban Lumbung Sejahtera) membuka dapur umum."),
    ("s3", "Lomba perahu", "Ketua Paguyuban Lumbung Sejahtera (Palus) memberi hadiah."),
    # Two meanings for one short form, 1 to 1: never proposed at the default consistency.
    ("s4", "Pasar tani", "Koperasi Rakyat Tani (KRT) membeli gabah."),
    ("s5", "Kereta", "Kereta Rel Tengah (KRT) berhenti."),
    # A nickname seen three times.
    *(
        (f"n{n}", "Terminal", f"Polisi mencari Darto Wijaya Kusuma alias Kobra, hari ke-{n}.")
        for n in range(3)
    ),
]


def index_articles(client, alias: str) -> None:
    actions = (
        {"_index": alias, "_id": article_id, "id": article_id, "title": title, "body": body}
        for article_id, title, body in ARTICLES
    )
    helpers.bulk(client, actions, refresh=True)


def test_discover_reads_the_alias_and_writes_the_rules_file(
    os_client, fresh_index_alias, tmp_path: Path, capsys
):
    index_articles(os_client, fresh_index_alias)
    out = tmp_path / "rules.json"

    code = admin.main(["synonyms", "discover", "--alias", fresh_index_alias, "--out", str(out)])

    assert code == 0
    written = json.loads(out.read_text(encoding="utf-8"))
    # Most articles first, then by short form.
    assert written["synonyms"] == [
        ["kobra", "darto wijaya kusuma"],
        ["palus", "paguyuban lumbung sejahtera"],
    ]
    kobra, palus = written["_discovered"]
    assert palus == {
        "pair": ["palus", "paguyuban lumbung sejahtera"],
        "kind": "abbreviation",
        "articles": 3,
        "consistency": 1.0,
        "example_ids": ["s1", "s2", "s3"],
        "lower_case_share": 0.0,
    }
    assert (kobra["kind"], kobra["articles"]) == ("nickname", 3)
    summary = json.loads(capsys.readouterr().out)
    # No rules were ever applied on this alias: written from version 0.
    assert summary == {
        "articles": len(ARTICLES),
        "proposed": 2,
        "based_on_version": 0,
        "out": str(out),
    }


def test_discover_prints_to_stdout_and_leaves_the_index_as_it_was(
    os_client, fresh_index_alias, capsys
):
    index_articles(os_client, fresh_index_alias)
    before = os_client.count(index=fresh_index_alias)["count"]

    code = admin.main(["synonyms", "discover", "--alias", fresh_index_alias, "--limit", "1"])

    assert code == 0
    assert json.loads(capsys.readouterr().out)["synonyms"] == [["kobra", "darto wijaya kusuma"]]
    assert os_client.count(index=fresh_index_alias)["count"] == before == len(ARTICLES)


def test_discover_on_a_missing_alias_is_an_error_not_a_traceback(os_client, capsys):
    assert admin.main(["synonyms", "discover", "--alias", "t-no-such-alias-for-synonyms"]) == 1
    assert "no index or alias" in capsys.readouterr().err
