"""The local stack over HTTP: the bucket ingests uploads, the API answers like API Gateway."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import boto3
import pytest
import requests
from cariberita_local.load_corpus import main as load_corpus_main
from playwright.sync_api import expect

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def s3(local_stack):
    return boto3.client(
        "s3",
        endpoint_url=local_stack.s3_endpoint,
        region_name="ap-southeast-3",
        aws_access_key_id="local",
        aws_secret_access_key="local",
    )


def wait_for_report(s3, bucket: str, key: str, timeout_s: float = 120) -> dict:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            body = s3.get_object(Bucket=bucket, Key=f"reports/{key}.json")["Body"].read()
            return json.loads(body)
        except s3.exceptions.NoSuchKey:
            time.sleep(0.5)
    raise AssertionError(f"no report for {key} after {timeout_s}s")


def search(stack, **params) -> dict:
    response = requests.get(f"{stack.api_url}/search", params=params, timeout=30)
    assert response.status_code == 200, response.text
    return response.json()


def eventually_found(stack, query: str, expected: int, timeout_s: float = 10) -> dict:
    """Ingestion does not refresh the index; a search sees new articles within a second."""
    deadline = time.monotonic() + timeout_s
    while True:
        body = search(stack, q=query)
        if body["total"]["value"] == expected or time.monotonic() > deadline:
            return body
        time.sleep(0.3)


def article(word: str, n: int, **extra) -> dict:
    return {
        "id": f"e2e-{word}-{n}",
        "title": f"Warga Desa {word.capitalize()} Gelar Lomba Perahu Hias ke-{n}",
        "body": f"Ratusan warga desa {word} memadati tepi sungai menyaksikan lomba perahu.",
        "category": "Daerah",
        "published_at": f"2024-04-{n:02d}T10:00:00+07:00",
        **extra,
    }


def test_uploaded_batch_is_searchable_and_reported(local_stack, s3):
    word = f"kali{uuid.uuid4().hex[:6]}"
    key = f"uploads/lomba {word}.ndjson"
    lines = [json.dumps(article(word, n)) for n in (1, 2, 3)] + ['{"body": "tanpa judul"}']
    s3.put_object(Bucket=local_stack.bucket, Key=key, Body="\n".join(lines).encode())

    report = wait_for_report(s3, local_stack.bucket, key)
    assert report["counts"]["indexed"] == 3
    assert report["counts"]["rejected"] == 1
    assert eventually_found(local_stack, word, 3)["total"]["value"] == 3


def test_deleting_the_object_removes_its_articles(local_stack, s3):
    word = f"hapus{uuid.uuid4().hex[:6]}"
    key = f"uploads/{word}.ndjson"
    s3.put_object(Bucket=local_stack.bucket, Key=key, Body=json.dumps(article(word, 4)).encode())
    wait_for_report(s3, local_stack.bucket, key)
    assert eventually_found(local_stack, word, 1)["total"]["value"] == 1

    s3.delete_object(Bucket=local_stack.bucket, Key=key)
    assert eventually_found(local_stack, word, 0, timeout_s=60)["total"]["value"] == 0


def test_markup_in_an_uploaded_article_is_shown_as_text(local_stack, s3, page):
    word = f"xss{uuid.uuid4().hex[:6]}"
    key = f"uploads/{word}.ndjson"
    payload = article(
        word,
        5,
        title=f'<img src=x onerror="window.__xss=1">Banjir {word} <b>tebal</b>',
        author="<script>window.__xss=2</script>Redaksi",
    )
    s3.put_object(Bucket=local_stack.bucket, Key=key, Body=json.dumps(payload).encode())
    wait_for_report(s3, local_stack.bucket, key)
    eventually_found(local_stack, word, 1)

    page.get_by_role("combobox", name="Cari berita").fill(word)
    page.get_by_role("button", name="Cari", exact=True).click()
    result = page.locator(".cb-result").first
    expect(result.locator(".cb-title")).to_contain_text("<img src=x")
    assert result.locator("img, script, b").count() == 0
    assert page.evaluate("window.__xss") is None


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/health", 200),
        ("/search?q=pelayanan", 200),
        ("/suggest?q=pela", 200),
        ("/categories", 200),
        ("/articles/cb-0001", 200),
        ("/articles/tidak-ada-sama-sekali", 404),
        ("/search?size=500", 400),
        ("/search?sort=acak", 400),
        ("/tidak-ada", 403),
    ],
)
def test_api_answers_with_api_gateway_statuses(local_stack, path, status):
    response = requests.get(f"{local_stack.api_url}{path}", timeout=30)
    assert response.status_code == status, response.text
    assert response.headers["Content-Type"].startswith("application/json")
    body = response.json()
    if status == 400:
        assert body["error"]["field"] in ("size", "sort")


def test_corpus_loader_sends_an_ndjson_file_through_the_bucket(local_stack, tmp_path):
    word = f"korpus{uuid.uuid4().hex[:6]}"
    file = tmp_path / "korpus.ndjson"
    file.write_text("\n".join(json.dumps(article(word, n)) for n in range(1, 8)) + "\n")
    argv = [str(file), "--s3-endpoint", local_stack.s3_endpoint, "--bucket", local_stack.bucket]
    assert load_corpus_main([*argv, "--limit", "5"]) == 0
    assert eventually_found(local_stack, word, 5)["total"]["value"] == 5


def test_run_once_starts_the_stack_searches_and_exits(opensearch_endpoint, os_client):
    from cariberita.index.manager import aliased_indices

    alias = f"e2e-once-{uuid.uuid4().hex[:8]}"
    env = {**os.environ, "OPENSEARCH_ENDPOINT": opensearch_endpoint}
    env = {k: v for k, v in env.items() if not k.startswith("AWS_ENDPOINT_URL")}
    command = [sys.executable, "-m", "cariberita_local.run", "--once", "--api-port", "0"]
    command += ["--s3-port", "0", "--index", alias, "--bucket", alias, "--query", "kebakaran"]
    try:
        proc = subprocess.run(command, env=env, capture_output=True, text=True, timeout=600)
    finally:
        for index in aliased_indices(os_client, alias):
            os_client.indices.delete(index=index, ignore_unavailable=True)
        for index in os_client.indices.get(index=f"{alias}-*", ignore_unavailable=True):
            os_client.indices.delete(index=index, ignore_unavailable=True)
        (ROOT / ".local" / "analytics" / f"{alias}-search.jsonl").unlink(missing_ok=True)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert "search page   http://127.0.0.1:" in proc.stdout
    assert "-> 200" in proc.stdout and "Kebakaran" in proc.stdout


def test_concurrent_requests_are_served_by_separate_handler_copies(local_stack):
    from concurrent.futures import ThreadPoolExecutor

    queries = ["pelayanan", "kpk", "kebakaran", "banjir", "timnas", "harga"]

    def get(n: int) -> int:
        path = "search" if n % 2 else "suggest"
        response = requests.get(
            f"{local_stack.api_url}/{path}", params={"q": queries[n % len(queries)]}, timeout=60
        )
        return response.status_code

    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(pool.map(get, range(48)))
    assert statuses == [200] * 48


def test_method_not_in_the_api_gets_api_gateways_403(local_stack):
    response = requests.post(f"{local_stack.api_url}/search", data=b"{}", timeout=30)
    assert response.status_code == 403
    assert response.json() == {"message": "Missing Authentication Token"}


def test_cors_preflight_from_an_allowed_origin_is_answered_by_the_function(local_stack):
    origin = local_stack.api_url
    response = requests.options(
        f"{local_stack.api_url}/search",
        headers={"Origin": origin, "Access-Control-Request-Method": "GET"},
        timeout=30,
    )
    assert response.status_code < 300
    assert response.headers.get("Access-Control-Allow-Origin") == origin


@pytest.mark.corpus
def test_real_corpus_articles_load_through_the_bucket_and_are_found(local_stack, corpus_path):
    from tests.support.corpus import read_corpus

    first = next(read_corpus(corpus_path, limit=1))
    argv = [str(corpus_path), "--s3-endpoint", local_stack.s3_endpoint]
    assert load_corpus_main([*argv, "--bucket", local_stack.bucket, "--limit", "300"]) == 0

    deadline = time.monotonic() + 10
    while True:
        ids = [r["id"] for r in search(local_stack, q=first["title"], size=10)["results"]]
        if first["id"] in ids or time.monotonic() > deadline:
            break
        time.sleep(0.3)
    assert first["id"] in ids
