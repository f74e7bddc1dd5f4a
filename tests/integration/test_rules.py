# ruff: noqa: E501 - the articles table reads best one article a line
"""Editors' rules on the real node, through the real ingest and search handlers.

Rules documents are uploaded to moto S3 and delivered to the ingest handler as SQS messages,
exactly like article batches; searches go through the search handler with API Gateway events.
Nothing is deployed and nothing is reindexed between a rules upload and its effect.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator

import boto3
import pytest
from cariberita.rules.cache import RulesCache
from cariberita.rules.opensearch_store import OpenSearchRulesStore

from tests.relevance.api import env, invoke, search
from tests.support.handlers import LambdaContext, load_handler_module, sqs_s3_event
from tests.support.names import unique_name


def article(id_: str, title: str, body: str, category: str, day: str) -> dict:
    return {
        "id": id_,
        "title": title,
        "body": body,
        "category": category,
        "published_at": f"{day}T08:00:00+07:00",
        "url": f"https://berita.example.id/{id_}",
    }


ARTICLES = [
    article("r-gempa-1", "Gempa Guncang Cianjur Pagi Ini", "Gempa terasa kuat di Cianjur, warga panik keluar rumah.", "Peristiwa", "2024-05-01"),
    article("r-gempa-2", "Warga Cianjur Mengungsi Setelah Gempa", "Ratusan warga mengungsi setelah gempa merusak rumah mereka.", "Peristiwa", "2024-05-02"),
    article("r-gempa-3", "BMKG: Gempa Susulan Masih Mungkin Terjadi", "BMKG meminta warga waspada gempa susulan di Cianjur.", "Nasional", "2024-05-03"),
    article("r-panduan", "Panduan Menyiapkan Tas Siaga Bencana", "Isi tas siaga dengan air minum, senter, obat dan salinan dokumen penting.", "Gaya Hidup", "2023-01-10"),
    article("r-artis-1", "Penyanyi Dangdut Rilis Album Baru", "Album baru berisi sepuluh lagu dangdut koplo.", "Celebrity", "2024-04-01"),
    article("r-artis-2", "Aktris Muda Raih Penghargaan Film", "Aktris muda itu meraih penghargaan pemeran terbaik.", "SELEBRITI", "2024-04-02"),
    article("r-nama-1", "Nama Tertentu Dilaporkan ke Polisi", "Seorang pengusaha bernama tertentu dilaporkan atas dugaan penipuan.", "Hukrim", "2024-03-01"),
    article("r-nama-2", "Nama Tertentu Bantah Tuduhan Penipuan", "Pengusaha bernama tertentu membantah semua tuduhan.", "Hukrim", "2024-03-02"),
    article("r-sepeda", "Komunitas Sepeda Gelar Kopi Darat di Alun-alun", "Ratusan pesepeda berkumpul untuk kopi darat bulanan.", "Daerah", "2024-02-01"),
]  # fmt: skip

RULES = {
    "synonyms": [["kopdar", "kopi darat"]],
    "pins": [{"query": "Gempa", "ids": ["r-panduan", "r-gempa-1"]}],
    "hides": [{"query": "nama tertentu", "ids": ["r-nama-1"]}],
    "categories": {"Celebrity": "Selebriti", "SELEBRITI": "Selebriti", "Sports": "Bola"},
}


@pytest.fixture(scope="module")
def stack(s3_endpoint, index_alias, settings, os_client) -> Iterator[dict]:
    """Bucket, the ingest and search environments, the articles ingested through the handler."""
    bucket = unique_name("aturan")
    boto3.client("s3").create_bucket(
        Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": "ap-southeast-3"}
    )
    with pytest.MonkeyPatch.context() as mp:
        for name, value in env(settings.opensearch_endpoint, index_alias, RULES_TTL_S="0").items():
            mp.setenv(name, value)
        batch = "\n".join(json.dumps(a) for a in ARTICLES).encode()
        report = upload(bucket, "uploads/aturan-uji.ndjson", batch)
        assert report["counts"]["indexed"] == len(ARTICLES), report
        os_client.indices.refresh(index=index_alias)
        yield {"bucket": bucket, "alias": index_alias}
    os_client.indices.delete(index=f"{index_alias}-rules", ignore_unavailable=True)


def upload(bucket: str, key: str, data: bytes) -> dict:
    """Put the object, deliver its notification to the ingest handler, return its report."""
    s3 = boto3.client("s3")
    s3.put_object(Bucket=bucket, Key=key, Body=data)
    handler = load_handler_module("ingest").lambda_handler
    assert handler(sqs_s3_event(bucket, key), LambdaContext()) == {"batchItemFailures": []}
    raw = s3.get_object(Bucket=bucket, Key=f"reports/{key}.json")["Body"].read()
    return json.loads(raw)


def upload_rules(stack: dict, rules: dict, name: str) -> dict:
    return upload(stack["bucket"], f"rules/{name}.json", json.dumps(rules).encode())


def ids(q: str, **params) -> list[str]:
    reply = search(q=q, **params)
    assert reply.status == 200, reply.body
    return [r["id"] for r in reply.body["results"]]


def facet(q: str, **params) -> dict[str, int]:
    reply = search(q=q, **params)
    return {c["value"]: c["count"] for c in reply.body["facets"]["categories"]}


@pytest.fixture(scope="module")
def applied(stack) -> dict:
    before = {
        "kopdar": ids("kopdar"),
        "gempa": ids("gempa"),
        "nama": ids("nama tertentu"),
    }
    report = upload_rules(stack, RULES, "aturan-1")
    assert report["status"] == "applied", report
    return {"before": before, "report": report}


def test_a_rules_upload_is_applied_and_reported(applied):
    report = applied["report"]
    assert report["version"] >= 1
    assert report["counts"] == {"synonyms": 1, "pins": 1, "hides": 1, "categories": 3}
    assert report["applied_by"].startswith("s3://")


def test_editors_synonym_finds_what_the_shipped_lists_do_not(applied):
    assert "r-sepeda" not in applied["before"]["kopdar"]
    assert ids("kopdar")[:1] == ["r-sepeda"]
    assert "r-sepeda" in ids("KOPDAR")


def test_pinned_articles_come_first_in_the_editors_order(applied):
    assert applied["before"]["gempa"][0] != "r-panduan"
    # r-panduan has no "gempa" in it at all, r-gempa-1 is not the newest: only the pins explain it.
    assert ids("gempa")[:2] == ["r-panduan", "r-gempa-1"]
    assert ids("  GEMPA ")[:2] == ["r-panduan", "r-gempa-1"]
    assert ids("gempa cianjur")[0] != "r-panduan"  # another query: no pins


def test_a_pinned_article_outside_the_filters_is_not_shown(applied):
    results = ids("gempa", category="Nasional")
    assert "r-panduan" not in results
    assert results[0] == "r-gempa-3"


def test_a_hidden_article_is_gone_from_results_facets_and_suggestions(applied):
    assert "r-nama-1" in applied["before"]["nama"]
    assert "r-nama-1" not in ids("nama tertentu")
    assert "r-nama-2" in ids("Nama Tertentu")
    assert facet("nama tertentu").get("hukrim") == 1
    suggested = invoke("search-suggest", q="nama tertentu")
    assert suggested.status == 200
    assert "r-nama-1" not in [s["id"] for s in suggested.body["suggestions"]]
    assert "r-nama-1" in ids("penipuan")  # hidden for that query only


def test_a_site_category_covers_the_publisher_labels_mapped_to_it(applied):
    assert sorted(ids("", category="Selebriti")) == ["r-artis-1", "r-artis-2"]
    counts = facet("")
    assert counts["selebriti"] == 2
    assert "celebrity" not in counts
    labels = {c["value"]: c["label"] for c in search(q="").body["facets"]["categories"]}
    assert labels["selebriti"] == "Selebriti"


def test_new_articles_get_the_editors_category_mapping_at_ingest(applied, stack, os_client):
    sport = article(
        "r-bola", "Timnas Menang Tipis", "Timnas menang satu kosong.", "Sports", "2024-06-01"
    )
    report = upload(stack["bucket"], "uploads/bola.ndjson", json.dumps(sport).encode())
    assert report["counts"]["indexed"] == 1
    doc = os_client.get(index=stack["alias"], id="r-bola")["_source"]
    assert "Bola" in doc["category"]


def test_a_bad_rules_document_is_rejected_whole_and_the_rules_stay(applied, stack):
    bad = {
        "synonyms": [["gempa", "lindu"]],
        "pins": [{"query": "gempa", "ids": ["r-tidak-ada"]}],
        "boost": {"gempa": 100},
    }
    report = upload_rules(stack, bad, "aturan-rusak")
    assert report["status"] == "rejected"
    text = " | ".join(report["problems"])
    assert "boost: unknown key" in text
    assert "'r-tidak-ada' does not exist" in text
    assert ids("gempa")[:2] == ["r-panduan", "r-gempa-1"]  # still the applied version


def test_rollback_restores_an_earlier_version(applied, stack, tmp_path, capsys):
    from cariberita import admin

    version = applied["report"]["version"]
    path = tmp_path / "tanpa-pin.json"
    path.write_text(json.dumps({"synonyms": RULES["synonyms"]}))
    assert admin.main(["rules", "apply", str(path), "--alias", stack["alias"]]) == 0
    assert ids("gempa")[0] != "r-panduan"
    assert admin.main(["rules", "rollback", str(version), "--alias", stack["alias"]]) == 0
    assert ids("gempa")[:2] == ["r-panduan", "r-gempa-1"]
    capsys.readouterr()
    assert admin.main(["rules", "history", "--alias", stack["alias"]]) == 0
    history = json.loads(capsys.readouterr().out)
    assert history[0]["action"] == "rollback"
    assert history[0]["rolled_back_to"] == version
    assert history[0]["applied_by"].startswith("cli:")


def test_a_running_container_sees_a_new_version_within_its_ttl(applied, stack, os_client):
    class Clock:
        now = 0.0

        def __call__(self) -> float:
            return self.now

    clock = Clock()
    cache = RulesCache(OpenSearchRulesStore(os_client, stack["alias"]), ttl_s=30, clock=clock)
    before = cache.get().version
    report = upload_rules(stack, {**RULES, "pins": []}, "aturan-baru")
    assert report["status"] == "applied"
    clock.now += 29
    assert cache.get().version == before  # cached: no read within the TTL
    clock.now += 1
    assert cache.get().version == report["version"]  # 30 s < the 60 s promised to editors
    assert os.environ["RULES_TTL_S"] == "0"
