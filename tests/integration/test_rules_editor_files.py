"""The editors' round trips on the real node: ``rules show`` -> edit -> ``check``/``apply``;
``synonyms discover`` -> review -> ``apply`` without losing the rules in force; and what a
category rule does to a section the built-in map already files elsewhere (docs/editors.md).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest
from cariberita import admin

from tests.relevance.api import env, search
from tests.support.handlers import LambdaContext, load_handler_module, sqs_s3_event
from tests.support.names import unique_name

PALUS = "Paguyuban Lumbung Sejahtera (Palus) rapat. Palus (Paguyuban Lumbung Sejahtera) datang."


def article(id_: str, title: str, body: str, category: str) -> dict:
    return {
        "id": id_,
        "title": title,
        "body": body,
        "category": category,
        "published_at": "2024-05-01T08:00:00+07:00",
        "url": f"https://berita.example.id/{id_}",
    }


OLD_CELEBRITY = [
    article("f-lama-1", "Penyanyi Rilis Album", "Album baru berisi sepuluh lagu.", "Celebrity"),
    article("f-lama-2", "Aktris Raih Penghargaan", "Aktris itu pemeran terbaik.", "Celebrity"),
]
PALUS_ARTICLES = [article(f"f-palus-{n}", "Rapat warga", PALUS, "Daerah") for n in range(3)]


def ndjson(articles: list[dict]) -> bytes:
    return "\n".join(json.dumps(a) for a in articles).encode()


def upload(bucket: str, key: str, data: bytes) -> dict:
    """Put the object, deliver its notification to the ingest handler, return its report."""
    s3 = boto3.client("s3")
    s3.put_object(Bucket=bucket, Key=key, Body=data)
    handler = load_handler_module("ingest").lambda_handler
    assert handler(sqs_s3_event(bucket, key), LambdaContext()) == {"batchItemFailures": []}
    return json.loads(s3.get_object(Bucket=bucket, Key=f"reports/{key}.json")["Body"].read())


@pytest.fixture(scope="module")
def stack(s3_endpoint, index_alias, settings, os_client) -> Iterator[dict]:
    bucket = unique_name("berkas")
    boto3.client("s3").create_bucket(
        Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": "ap-southeast-3"}
    )
    with pytest.MonkeyPatch.context() as mp:
        for name, value in env(settings.opensearch_endpoint, index_alias, RULES_TTL_S="0").items():
            mp.setenv(name, value)
        report = upload(bucket, "uploads/lama.ndjson", ndjson(OLD_CELEBRITY + PALUS_ARTICLES))
        assert report["counts"]["indexed"] == 5, report
        os_client.indices.refresh(index=index_alias)
        yield {"bucket": bucket, "alias": index_alias}
    os_client.indices.delete(index=f"{index_alias}-rules", ignore_unavailable=True)


def cli(stack: dict, capsys, *argv: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = admin.main([*argv, "--alias", stack["alias"]])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def apply(stack: dict, capsys, tmp_path: Path, rules: dict) -> dict:
    path = tmp_path / "aturan.json"
    path.write_text(json.dumps(rules), encoding="utf-8")
    code, out, err = cli(stack, capsys, "rules", "apply", str(path))
    assert code == 0, out + err
    return json.loads(out)


def ids(**params) -> list[str]:
    reply = search(q="", **params)
    assert reply.status == 200, reply.body
    return sorted(r["id"] for r in reply.body["results"])


def test_rules_show_prints_a_file_that_check_and_apply_take_back(stack, capsys, tmp_path):
    rules = {"pins": [{"query": "album", "ids": ["f-lama-1"]}], "categories": {"Gosip": "Seleb"}}
    version = apply(stack, capsys, tmp_path, rules)["version"]

    code, shown, err = cli(stack, capsys, "rules", "show")
    assert code == 0
    assert f"version {version} (apply)" in err
    downloaded = tmp_path / "unduhan.json"
    downloaded.write_text(shown, encoding="utf-8")

    code, out, _ = cli(stack, capsys, "rules", "check", str(downloaded))
    assert (code, json.loads(out)["status"]) == (0, "valid")
    edited = {**json.loads(shown), "hides": [{"query": "aktris", "ids": ["f-lama-2"]}]}
    after = apply(stack, capsys, tmp_path, edited)
    assert after["counts"] == {"synonyms": 0, "pins": 1, "hides": 1, "categories": 1}


def test_discover_through_the_index_writes_a_file_that_applies_and_keeps_the_rules_in_force(
    stack, capsys, tmp_path
):
    rules = {
        "pins": [{"query": "album", "ids": ["f-lama-1"]}],
        "synonyms": [["jateng", "jawa tengah"]],
    }
    version = apply(stack, capsys, tmp_path, rules)["version"]
    out = tmp_path / "temuan.json"

    code, summary, _ = cli(stack, capsys, "synonyms", "discover", "--out", str(out))
    assert code == 0
    assert json.loads(summary)["based_on_version"] == version
    code, checked, _ = cli(stack, capsys, "rules", "check", str(out))
    assert (code, json.loads(checked)["status"]) == (0, "valid"), checked
    code, applied, _ = cli(stack, capsys, "rules", "apply", str(out))

    assert code == 0, applied
    code, shown, _ = cli(stack, capsys, "rules", "show")
    in_force = json.loads(shown)
    assert in_force["pins"] == rules["pins"]
    palus = ["palus", "paguyuban lumbung sejahtera"]
    assert in_force["synonyms"] == [["jateng", "jawa tengah"], palus]  # in force, then proposed


def test_an_offline_discovered_file_is_refused_while_it_would_drop_the_rules_in_force(
    stack, capsys, tmp_path
):
    apply(stack, capsys, tmp_path, {"pins": [{"query": "album", "ids": ["f-lama-1"]}]})
    source = tmp_path / "arsip.ndjson"
    source.write_bytes(ndjson(PALUS_ARTICLES))
    out = tmp_path / "temuan.json"
    assert admin.main(["synonyms", "discover", "--from-file", str(source), "--out", str(out)]) == 0

    code, rejected, _ = cli(stack, capsys, "rules", "apply", str(out))

    assert code == 1
    problems = json.loads(rejected)["problems"]
    assert "the pin for 'album'" in problems[0]
    code, shown, _ = cli(stack, capsys, "rules", "show")
    assert json.loads(shown)["pins"] == [{"query": "album", "ids": ["f-lama-1"]}]


def test_a_breadcrumb_as_category_source_is_refused_in_the_upload_report(stack):
    rules = {"categories": {"BERITA UTAMA / HUKRIM": "Hukum"}}
    report = upload(stack["bucket"], "rules/remah.json", json.dumps(rules).encode())
    assert report["status"] == "rejected"
    assert "map one level, e.g. 'HUKRIM'" in report["problems"][0]


def test_a_section_the_built_in_map_files_elsewhere_splits_old_and_new_articles_as_documented(
    stack, os_client
):
    """docs/editors.md, "Categories": older articles stay in the built-in category as well;
    new ones get the editor's only; uploading the older ones again moves them."""
    rules = {"categories": {"Celebrity": "Selebriti"}}
    report = upload(stack["bucket"], "rules/kategori.json", json.dumps(rules).encode())
    assert report["status"] == "applied", report
    assert any("'Celebrity' is already filed under 'Hiburan'" in n for n in report["notes"])
    new = article("f-baru", "Penyanyi Muda Konser", "Konser perdana di Jakarta.", "Celebrity")
    upload(stack["bucket"], "uploads/baru.ndjson", ndjson([new]))
    os_client.indices.refresh(index=stack["alias"])

    assert ids(category="Selebriti") == ["f-baru", "f-lama-1", "f-lama-2"]
    assert ids(category="Hiburan") == ["f-lama-1", "f-lama-2"]

    upload(stack["bucket"], "uploads/lama.ndjson", ndjson(OLD_CELEBRITY + PALUS_ARTICLES))
    os_client.indices.refresh(index=stack["alias"])
    assert ids(category="Hiburan") == []
    assert ids(category="Selebriti") == ["f-baru", "f-lama-1", "f-lama-2"]
