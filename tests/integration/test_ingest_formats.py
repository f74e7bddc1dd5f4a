"""Every upload format (and its .gz) becomes the right documents, incl. the real raw page."""

from __future__ import annotations

import gzip
import json

import boto3
import pytest

from tests.support.handlers import load_handler_module, sqs_s3_event
from tests.support.paths import SAMPLES


def ingest(bucket: str, key: str, data: bytes, context) -> dict:
    """Upload, deliver the SQS message, return the report the handler wrote."""
    s3 = boto3.client("s3")
    s3.put_object(Bucket=bucket, Key=key, Body=data)
    response = load_handler_module("ingest").lambda_handler(sqs_s3_event(bucket, key), context)
    assert response == {"batchItemFailures": []}
    return json.loads(s3.get_object(Bucket=bucket, Key=f"reports/{key}.json")["Body"].read())


@pytest.fixture(autouse=True)
def _index(monkeypatch, index_alias):
    monkeypatch.setenv("ARTICLES_INDEX", index_alias)


def docs_from(os_client, alias: str, source: str) -> list[dict]:
    os_client.indices.refresh(index=alias)
    hits = os_client.search(
        index=alias, body={"query": {"term": {"source": source}}, "size": 100, "sort": ["id"]}
    )["hits"]["hits"]
    return [hit["_source"] for hit in hits]


@pytest.mark.parametrize("gz", [False, True], ids=["plain", "gzip"])
@pytest.mark.parametrize(
    ("sample", "expected"),
    [
        ("batch-berita.ndjson", 24),
        ("batch-berita.json", 24),
        ("batch-berita.csv", 24),
        ("halaman-mentah.txt", 1),
        ("halaman.html", 1),
    ],
)
def test_sample_format_is_indexed_completely(
    sample, expected, gz, s3_bucket, lambda_context, os_client, index_alias
):
    data = (SAMPLES / sample).read_bytes()
    key = f"uploads/{sample}" + (".gz" if gz else "")

    report = ingest(s3_bucket, key, gzip.compress(data) if gz else data, lambda_context)

    assert report["status"] == "ok", report
    assert report["counts"]["indexed"] + report["counts"]["updated"] == expected
    docs = docs_from(os_client, index_alias, f"{s3_bucket}/{key}")
    assert len(docs) == expected
    assert all(doc["title"] and doc["body"] for doc in docs)


def test_real_raw_page_yields_title_date_categories_author_and_clean_body(
    article_data_dir, s3_bucket, lambda_context, os_client, index_alias
):
    page = article_data_dir / "samples" / "mojokerto-pelayanan-publik.txt"
    key = "uploads/mojokerto-pelayanan-publik.txt"

    report = ingest(s3_bucket, key, page.read_bytes(), lambda_context)

    assert report["status"] == "ok", report
    (doc,) = docs_from(os_client, index_alias, f"{s3_bucket}/{key}")
    assert doc["title"] == (
        "Berada di Zona Hijau Penyelenggaraan Pelayanan Publik, Pj Wali Kota Mojokerto: "
        "Tingkatkan Kualitas Pelayanan, Masyarakat Adalah Raja"
    )
    assert doc["published_at"] == "2024-02-19T20:04:00+07:00"
    assert doc["category_path"] == "BERITA UTAMA / HUKRIM"
    assert {"BERITA UTAMA", "HUKRIM"} <= set(doc["category"])
    assert doc["author"] == "jekyridwan"
    body = doc["body"]
    assert body.startswith("Kota Mojokerto (19 Februari 2024) Pj Wali kota Moh Ali Kuncoro")
    assert body.endswith("Lurah se-Kota Mojokerto.")
    assert "\u00a0" not in body and "\n\n\n" not in body
    assert doc["title"] not in body
    for furniture in (
        "Share :",
        "Baca Juga",
        "Kapolda Jatim Buka Kegiatan Rakernis",
        "Dede Rohana",
    ):
        assert furniture not in body


def test_html_page_drops_scripts_navigation_and_related_headlines(
    s3_bucket, lambda_context, os_client, index_alias
):
    key = "uploads/halaman.html"
    ingest(s3_bucket, key, (SAMPLES / "halaman.html").read_bytes(), lambda_context)

    (doc,) = docs_from(os_client, index_alias, f"{s3_bucket}/{key}")
    assert doc["title"] == "Nelayan Sampang Keluhkan Solar Langka, Pemkab Janji Tambah Kuota"
    assert doc["published_at"] == "2024-03-15T11:30:00+07:00"
    assert doc["author"] == "Fajar Hidayat"
    assert doc["category_path"] == "Daerah / Jawa Timur"
    for noise in ("dataLayer", "tampilkanIklan", "font-family", "Harga Ikan Tongkol", "Home"):
        assert noise not in doc["body"]


def test_category_map_adds_the_site_category_and_keeps_the_publisher_label(
    s3_bucket, lambda_context, os_client, index_alias
):
    line = {
        "id": "peta-1",
        "title": "Laga Seru",
        "body": "Isi berita olahraga.",
        "category": "Super Skor",
    }
    key = "uploads/peta.ndjson"
    ingest(s3_bucket, key, json.dumps(line).encode(), lambda_context)

    (doc,) = docs_from(os_client, index_alias, f"{s3_bucket}/{key}")
    assert doc["category"] == ["Super Skor", "Olahraga"]
    assert doc["source_category"] == "Super Skor"
    os_client.indices.refresh(index=index_alias)
    hits = os_client.search(index=index_alias, body={"query": {"term": {"category": "OLAHRAGA"}}})
    assert "peta-1" in {h["_id"] for h in hits["hits"]["hits"]}
