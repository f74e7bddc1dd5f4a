"""Raw text and HTML pages in many newsroom layouts give the whole article and nothing else.

Every fixture in tests/fixtures/pages (our own fictional texts) goes through the entry point
ingest uses (``open_records``: format detection, then the page parser), the article contract
and the document builder; its ``<name>.expected.json`` names the fields, sentences that must
be in the body (incl. those after every related block, and how the body ends) and page
furniture that must not be.
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from cariberita.articles import article_from_record, to_document
from cariberita.articles.categories import CategoryMap
from cariberita.articles.parsers import open_records

from tests.conftest import ROOT

PAGES = ROOT / "tests" / "fixtures" / "pages"
FIXTURES = sorted(p for p in PAGES.iterdir() if p.suffix in (".txt", ".html"))
FIELDS = ("title", "author", "editor", "published_at", "image_caption", "category_path", "url")


def expected_of(page: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(page.with_suffix(".expected.json").read_text("utf-8"))
    return data


def document_of(data: bytes, name: str) -> dict[str, Any]:
    _, _, records = open_records(io.BytesIO(data), name)
    (record,) = list(records)
    assert record.error is None, record
    return to_document(article_from_record(record.data), "b/k", CategoryMap())


def test_there_are_at_least_twenty_layouts_each_with_its_expectations():
    assert len(FIXTURES) >= 20
    assert {p.suffix for p in FIXTURES} == {".txt", ".html"}
    for page in FIXTURES:
        assert page.with_suffix(".expected.json").is_file(), page.name


@pytest.mark.parametrize("page", FIXTURES, ids=lambda p: p.name)
def test_page_layout_yields_the_expected_fields(page):
    expected = expected_of(page)
    doc = document_of(page.read_bytes(), f"uploads/{page.name}")
    for field in FIELDS:
        assert doc[field] == expected.get(field), field
    assert doc["tags"] == expected.get("tags", [])


@pytest.mark.parametrize("page", FIXTURES, ids=lambda p: p.name)
def test_page_layout_keeps_every_paragraph_and_drops_the_furniture(page):
    expected = expected_of(page)
    raw = page.read_text("utf-8")
    body = to_document_body(page)
    # Every expectation quotes the page itself, so each check can fail.
    for sentence in [*expected["body_contains"], expected["body_ends_with"]]:
        assert sentence in raw, sentence
        assert sentence in body, sentence
    assert body.endswith(expected["body_ends_with"])
    for furniture in expected["body_excludes"]:
        assert furniture in raw, furniture
        assert furniture not in body, furniture
    assert "\n\n\n" not in body and "\u00a0" not in body


def to_document_body(page: Path) -> str:
    body: str = document_of(page.read_bytes(), f"uploads/{page.name}")["body"]
    return body


def test_the_real_raw_page_keeps_its_whole_body_and_author(article_data_dir):
    page = article_data_dir / "samples" / "mojokerto-pelayanan-publik.txt"
    raw = page.read_text("utf-8")
    doc = document_of(page.read_bytes(), page.name)
    assert doc["author"] == "jekyridwan"
    assert doc["editor"] is None and doc["image_caption"] is None
    body = doc["body"]
    # Every paragraph of the article (the text lines between the title and "Share :").
    article = raw.split("Share :")[0].split(doc["title"])[-1]
    paragraphs = [" ".join(p.split()) for p in article.split("\n") if p.strip(" \u00a0")]
    paragraphs[-1] = paragraphs[-1].removesuffix("(jekyridwan)")
    assert len(paragraphs) >= 10
    assert body.split("\n\n") == paragraphs
    for related in ("Baca Juga", "BERITA UTAMA", "Kapolda Jatim", "Dede Rohana", "Share"):
        assert related not in body
