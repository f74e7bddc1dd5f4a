"""Idempotent re-uploads, newer wins, deletes and tombstones, partial batches, unreadable files."""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator
from urllib.parse import quote_plus

import boto3
import pytest

from tests.support.events import load_event
from tests.support.handlers import load_handler_module
from tests.support.paths import SAMPLES

COUNTS = ("received", "valid", "indexed", "updated", "skipped_older", "deleted", "rejected")


@pytest.fixture
def alias(monkeypatch, fresh_index_alias, os_client) -> Iterator[str]:
    monkeypatch.setenv("ARTICLES_INDEX", fresh_index_alias)
    yield fresh_index_alias
    side = f"{fresh_index_alias}-uploads,{fresh_index_alias}-tombstones"
    os_client.indices.delete(index=side, ignore_unavailable=True)


def _event(name: str, bucket: str, key: str) -> dict:
    text = json.dumps(load_event(name)).replace("cariberita-uploads", bucket)
    return json.loads(text.replace("uploads/batch-berita.ndjson", quote_plus(key, safe="/")))


def upload(
    bucket: str, key: str, data: bytes, context, via: str = "ingest-sqs-s3-put.json"
) -> dict:
    """Put the object, deliver its notification, return the report the handler wrote."""
    boto3.client("s3").put_object(Bucket=bucket, Key=key, Body=data)
    response = load_handler_module("ingest").lambda_handler(_event(via, bucket, key), context)
    assert response == {"batchItemFailures": []}
    body = boto3.client("s3").get_object(Bucket=bucket, Key=f"reports/{key}.json")["Body"]
    return json.loads(body.read())


def remove(bucket: str, key: str, context) -> dict:
    boto3.client("s3").delete_object(Bucket=bucket, Key=key)
    load_handler_module("ingest").lambda_handler(
        _event("ingest-sqs-s3-delete.json", bucket, key), context
    )
    body = boto3.client("s3").get_object(Bucket=bucket, Key=f"reports/{key}.json")["Body"]
    return json.loads(body.read())


def ndjson(*records: dict) -> bytes:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records).encode()


def article(id_: str, title: str, updated_at: str | None = None, **extra) -> dict:
    record = {"id": id_, "title": title, "body": f"Isi berita {title}.", **extra}
    if updated_at:
        record["updated_at"] = updated_at
    return record


def docs(os_client, alias: str) -> dict[str, dict]:
    os_client.indices.refresh(index=alias)
    hits = os_client.search(index=alias, body={"size": 100, "query": {"match_all": {}}})
    return {h["_id"]: h["_source"] for h in hits["hits"]["hits"]}


def test_reuploading_the_same_batch_leaves_the_same_documents(
    s3_bucket, lambda_context, os_client, alias
):
    data = (SAMPLES / "batch-berita.ndjson").read_bytes()
    first = upload(s3_bucket, "uploads/a.ndjson", data, lambda_context)
    second = upload(s3_bucket, "uploads/a.ndjson", data, lambda_context)

    assert first["counts"]["indexed"] == 24
    assert {k: second["counts"][k] for k in COUNTS} == {
        "received": 24, "valid": 24, "indexed": 0, "updated": 24, "skipped_older": 0,
        "deleted": 0, "rejected": 0,
    }  # fmt: skip
    assert len(docs(os_client, alias)) == 24


def test_the_same_articles_without_ids_are_not_duplicated(
    s3_bucket, lambda_context, os_client, alias
):
    records = [
        {k: v for k, v in r.items() if k != "id"}
        for r in map(json.loads, (SAMPLES / "batch-berita.ndjson").read_text().splitlines())
    ]
    records.append(
        {"title": "Tanpa URL", "body": "Isi.", "published_at": "Senin, 4 Maret 2024 - 10:00 WIB"}
    )
    upload(s3_bucket, "uploads/b1.ndjson", ndjson(*records), lambda_context)
    upload(s3_bucket, "uploads/b2.ndjson", ndjson(*records), lambda_context)

    assert len(docs(os_client, alias)) == 25


def test_an_older_copy_does_not_overwrite_a_newer_one(s3_bucket, lambda_context, os_client, alias):
    newer = article("x-1", "Versi Baru", "2024-03-02T10:00:00+07:00")
    older = article("x-1", "Versi Lama", "2024-03-01T10:00:00+07:00")
    upload(s3_bucket, "uploads/baru.ndjson", ndjson(newer), lambda_context)

    report = upload(s3_bucket, "uploads/lama.ndjson", ndjson(older), lambda_context)

    assert report["counts"]["skipped_older"] == 1
    assert report["counts"]["indexed"] == report["counts"]["updated"] == 0
    doc = docs(os_client, alias)["x-1"]
    assert doc["title"] == "Versi Baru"
    assert doc["source"] == f"{s3_bucket}/uploads/baru.ndjson"


def test_a_newer_edit_replaces_the_older_one(s3_bucket, lambda_context, os_client, alias):
    upload(
        s3_bucket, "uploads/v1.ndjson", ndjson(article("x-2", "Satu", "2024-03-01")), lambda_context
    )
    report = upload(
        s3_bucket, "uploads/v2.ndjson", ndjson(article("x-2", "Dua", "2024-03-05")), lambda_context
    )

    assert report["counts"]["updated"] == 1
    assert docs(os_client, alias)["x-2"]["title"] == "Dua"


def test_published_at_is_the_version_when_there_is_no_updated_at(
    s3_bucket, lambda_context, os_client, alias
):
    new = article("x-3", "Terbit Kedua", published_at="Selasa, 5 Maret 2024 - 09:00 WIB")
    old = article("x-3", "Terbit Pertama", published_at="Senin, 4 Maret 2024 - 09:00 WIB")
    upload(s3_bucket, "uploads/p2.ndjson", ndjson(new), lambda_context)
    report = upload(s3_bucket, "uploads/p1.ndjson", ndjson(old), lambda_context)

    assert report["counts"]["skipped_older"] == 1
    assert docs(os_client, alias)["x-3"]["title"] == "Terbit Kedua"


def test_removing_an_object_deletes_its_articles_but_not_newer_copies_from_elsewhere(
    s3_bucket, lambda_context, os_client, alias
):
    upload(s3_bucket, "uploads/lama.ndjson", ndjson(
        article("d-1", "Tetap Ada", "2024-03-01"), article("d-2", "Ikut Terhapus", "2024-03-01")
    ), lambda_context)  # fmt: skip
    upload(
        s3_bucket,
        "uploads/baru.ndjson",
        ndjson(article("d-1", "Tetap Ada (revisi)", "2024-03-03")),
        lambda_context,
    )

    report = remove(s3_bucket, "uploads/lama.ndjson", lambda_context)

    assert report["status"] == "removed"
    assert report["counts"]["deleted"] == 1
    remaining = docs(os_client, alias)
    assert set(remaining) == {"d-1"}
    assert remaining["d-1"]["title"] == "Tetap Ada (revisi)"


def test_tombstones_unpublish_articles_unless_the_article_is_newer(
    s3_bucket, lambda_context, os_client, alias
):
    upload(s3_bucket, "uploads/isi.ndjson", ndjson(
        article("t-1", "Dicabut", "2024-03-01"), article("t-2", "Diperbarui", "2024-03-10")
    ), lambda_context)  # fmt: skip

    report = upload(s3_bucket, "uploads/cabut.ndjson", ndjson(
        {"id": "t-1", "deleted": True},
        {"id": "t-2", "deleted": True, "updated_at": "2024-03-05"},
        {"id": "t-tidak-ada", "deleted": True},
    ), lambda_context)  # fmt: skip

    assert report["counts"]["deleted"] == 2  # t-1, and the absent one (a delete is idempotent)
    assert report["counts"]["skipped_older"] == 1  # t-2 was edited after the tombstone
    assert set(docs(os_client, alias)) == {"t-2"}


def test_a_batch_with_invalid_records_indexes_the_valid_ones_and_reports_the_rest(
    s3_bucket, lambda_context, os_client, alias
):
    report = upload(
        s3_bucket,
        "uploads/batch-rusak.ndjson",
        (SAMPLES / "batch-rusak.ndjson").read_bytes(),
        lambda_context,
    )

    assert report["status"] == "rejected_records"
    assert report["counts"]["received"] == 10
    assert report["counts"]["rejected"] == 5
    assert [r["line"] for r in report["rejected"]] == [2, 4, 5, 7, 8]
    assert report["rejected"][0] == {
        "line": 2,
        "id": "rusak-01",
        "reason": "title: required field is missing",
    }
    assert "invalid JSON" in report["rejected"][1]["reason"]
    assert "kemarin sore" in report["rejected"][2]["reason"]
    # cb-0003 is indexed and then unpublished by the tombstone at the end of the same batch.
    assert set(docs(os_client, alias)) == {"cb-0001", "cb-0005", "cb-0025"}


def test_a_csv_with_a_bad_row_reports_the_row_number(s3_bucket, lambda_context, os_client, alias):
    data = (
        "title,body,published_at\n"
        "Satu,Isi satu,2024-03-01\n"
        "Dua,,2024-03-02\n"
        "Tiga,Isi tiga,bukan tanggal\n"
        "Empat,Isi empat,\n"
    )
    report = upload(s3_bucket, "uploads/baris.csv", data.encode(), lambda_context)

    assert [(r["row"], r["reason"].split(":")[0]) for r in report["rejected"]] == [
        (2, "body"),
        (3, "published_at"),
    ]
    assert report["counts"]["indexed"] == 2


@pytest.mark.parametrize(
    ("key", "data", "status", "reason"),
    [
        ("uploads/rusak.json", b'[{"title": "a", "body": ', "unparseable", "invalid JSON"),
        (
            "uploads/rusak.ndjson.gz",
            gzip.compress(b'{"title": "a"}\n' * 50)[:40],
            "incomplete",  # what came before the break is read; the report says where it broke
            "gzip",
        ),
        ("uploads/tanpa-kolom.csv", b"judul,isi\nA,B\n", "unparseable", "title, body"),
        ("uploads/kosong.txt", b"  \n", "empty", None),
    ],
    ids=["json", "truncated-gzip", "csv-header", "empty-page"],
)
def test_an_unreadable_file_gets_a_report_and_is_not_retried(
    key, data, status, reason, s3_bucket, lambda_context, os_client, alias
):
    report = upload(s3_bucket, key, data, lambda_context)  # asserts no batchItemFailures

    assert report["status"] == status
    assert reason is None or reason in json.dumps(report, ensure_ascii=False)
