"""The article contract: normalisation, limits, deterministic ids, categories, tombstones."""

from __future__ import annotations

import pytest
from cariberita.articles import Article, Tombstone, article_from_record, to_document
from cariberita.articles.categories import CategoryMap, split_breadcrumb
from cariberita.errors import InvalidArticle
from cariberita.index.mapping import KEPT_BY_WRITER, mappings

BASE = {"title": "Judul", "body": "Isi berita."}


def test_document_has_exactly_the_fields_of_the_strict_mapping():
    article = article_from_record({**BASE, "id": "a-1", "category": "Bola", "tags": "a; b"})
    document = to_document(article, "bucket/uploads/a.ndjson")
    assert set(document) == set(mappings()["properties"]) - KEPT_BY_WRITER


def test_text_is_nfc_with_single_spaces_and_paragraphs_kept():
    body = "Cafe\u0301\u00a0 di\u00a0\u00a0kota.\r\n\u00a0\r\n\r\n\u00a0\nParagraf  kedua.\u200b"
    article = article_from_record({"title": "  Judul\u00a0 baru ", "body": body})
    assert article.title == "Judul baru"
    assert article.body == "Café di kota.\n\nParagraf kedua."


def test_html_in_a_body_is_stripped_to_its_text():
    body = "<p>Satu &amp; dua.</p><script>alert(1)</script><p>Tiga<br>empat.</p>"
    assert article_from_record({**BASE, "body": body}).body == "Satu & dua.\n\nTiga\n\nempat."


@pytest.mark.parametrize(
    ("record", "field"),
    [
        ({"body": "isi"}, "title"),
        ({"title": "judul"}, "body"),
        ({**BASE, "title": "x" * 1_001}, "title"),
        ({**BASE, "url": "javascript:alert(1)"}, "url"),
        ({**BASE, "id": "ada spasi"}, "id"),
        ({**BASE, "tags": ["t"] * 0 + [f"t{n}" for n in range(51)]}, "tags"),
        ({**BASE, "published_at": "besok"}, "published_at"),
    ],
)
def test_invalid_records_are_rejected_naming_the_field(record, field):
    with pytest.raises(InvalidArticle) as caught:
        article_from_record(record)
    assert str(caught.value).startswith(f"{field}:")


def test_id_is_derived_from_the_url_then_from_title_and_date():
    by_url = article_from_record({**BASE, "url": "https://Contoh.id/a/"})
    assert (
        by_url.id == article_from_record({**BASE, "title": "Lain", "url": "https://contoh.id/a"}).id
    )
    dated = {**BASE, "published_at": "Senin, 19 Februari 2024 - 20:04 WIB"}
    assert article_from_record(dated).id == article_from_record({**dated, "title": " judul "}).id
    assert article_from_record(dated).id != article_from_record(BASE).id


def test_corpus_source_domain_becomes_the_publisher():
    article = article_from_record({**BASE, "source": "kompas.com", "category": "News"})
    assert to_document(article, "b/k")["publisher"] == "kompas.com"


# 1900-01-01T00:00:00Z .. 1970-01-01T00:00:00Z: 25,567 days.
SINCE_1900_AT_EPOCH_MS = 2_208_988_800_000


def test_version_is_updated_at_else_published_at_in_millis_since_1900():
    article = article_from_record({**BASE, "published_at": "2024-01-01T00:00:00+07:00"})
    assert article.version == SINCE_1900_AT_EPOCH_MS + 1_704_042_000_000
    assert (
        article_from_record(
            {**BASE, "updated_at": "2024-01-02T00:00:00+07:00", "published_at": "2024-01-01"}
        ).version
        == SINCE_1900_AT_EPOCH_MS + 1_704_128_400_000
    )
    assert article_from_record(BASE).version == 0


@pytest.mark.parametrize(
    ("value", "levels"),
    [
        ("Home / BERITA UTAMA / HUKRIM", ["BERITA UTAMA", "HUKRIM"]),
        ("Beranda > Ekonomi » Bisnis", ["Ekonomi", "Bisnis"]),
        (["Olahraga", "olahraga", "Bola"], ["Olahraga", "Bola"]),
        ("Politik", ["Politik"]),
    ],
)
def test_breadcrumbs_become_levels(value, levels):
    assert split_breadcrumb(value) == levels


def test_category_map_is_case_insensitive_and_keeps_the_original_label():
    mapping = CategoryMap({"super skor": "Olahraga"})
    article = article_from_record({**BASE, "category": "Home / SUPER SKOR"})
    document = to_document(article, "b/k", mapping)
    assert document["category"] == ["SUPER SKOR", "Olahraga"]
    assert document["category_path"] == "SUPER SKOR"
    assert document["source_category"] == "SUPER SKOR"


def test_bundled_category_map_merges_publisher_sections():
    for label in ("Bola", "Sports", "Super Skor", "sport"):
        article = article_from_record({**BASE, "category": label})
        assert "Olahraga" in to_document(article, "b/k")["category"]


def test_tombstone_records_are_recognised():
    assert isinstance(article_from_record({"id": "x-1", "deleted": True}), Tombstone)
    assert isinstance(article_from_record({"id": "x-1", "deleted": "true"}), Tombstone)
    assert isinstance(article_from_record({**BASE, "deleted": False}), Article)
    with pytest.raises(InvalidArticle):
        article_from_record({"deleted": True})


def test_bundled_category_map_is_the_published_sample():
    from cariberita.articles.categories import BUNDLED_MAP

    from tests.support.paths import SAMPLES

    assert BUNDLED_MAP.read_bytes() == (SAMPLES / "category-map.json").read_bytes()


@pytest.mark.parametrize(("given", "id_"), [(123, "123"), (" abc ", "abc"), ("x-1", "x-1")])
def test_a_tombstone_reads_its_id_as_an_article_does(given, id_):
    assert article_from_record({**BASE, "id": given}).id == id_
    assert article_from_record({"id": given, "deleted": True}).id == id_
