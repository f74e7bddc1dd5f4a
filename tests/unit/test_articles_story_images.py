"""The story fingerprint (copies collapse on it) and the https-only picture of an article."""

from __future__ import annotations

import pytest
from cariberita.articles import Article, to_document
from cariberita.articles.images import clean_image_url
from cariberita.articles.parsers.htmlpage import parse_html_page
from cariberita.articles.story import OPENING_CHARS, fingerprint

BODY = "Wali Kota Mojokerto meresmikan mal pelayanan publik pada Senin pagi. " * 10


def test_copies_with_other_case_accents_and_punctuation_share_a_story():
    a = fingerprint("Mal Pelayanan Publik Diresmikan!", BODY)
    b = fingerprint("mal pelayanan  publik diresmikan", BODY.replace(".", ",").upper())
    assert a == b


def test_a_different_title_or_opening_is_another_story():
    base = fingerprint("Mal Pelayanan Publik Diresmikan", BODY)
    assert fingerprint("Mal Pelayanan Publik Ditutup", BODY) != base
    assert fingerprint("Mal Pelayanan Publik Diresmikan", "Kemarin " + BODY) != base


def test_only_the_opening_of_the_body_counts():
    base = fingerprint("Judul", BODY[:OPENING_CHARS])
    assert fingerprint("Judul", BODY[:OPENING_CHARS] + " tambahan redaksi di akhir") == base


def test_every_document_has_a_story():
    doc = to_document(Article.model_validate({"title": "Judul", "body": "Isi"}), "b/k")
    assert doc["story"] == fingerprint("Judul", "Isi")


@pytest.mark.parametrize(
    "url",
    [
        "https://cdn.example.id/foto/a.jpg",
        "HTTPS://cdn.example.id/a.jpg?w=300&h=200",
    ],
)
def test_https_pictures_are_kept(url):
    assert clean_image_url(url) == url


@pytest.mark.parametrize(
    "url",
    [
        "http://cdn.example.id/a.jpg",
        "javascript:alert(1)",
        "data:image/png;base64,AAAA",
        "//cdn.example.id/a.jpg",
        "/foto/a.jpg",
        "https://",
        "https://user:pass@cdn.example.id/a.jpg",
        "https://cdn.example.id/a b.jpg",
        'https://cdn.example.id/a.jpg"onerror="x',
        "https://cdn.example.id:99999/a.jpg",
        "https://cdn.example.id/" + "a" * 3000,
        42,
    ],
)
def test_other_pictures_are_dropped(url):
    assert clean_image_url(url) is None


@pytest.mark.parametrize("field", ["image_url", "image", "thumbnail"])
def test_json_and_csv_picture_fields_become_image_url(field):
    article = Article.model_validate(
        {"title": "Judul", "body": "Isi", field: "https://cdn.example.id/a.jpg"}
    )
    assert article.image_url == "https://cdn.example.id/a.jpg"
    assert to_document(article, "b/k")["image_url"] == "https://cdn.example.id/a.jpg"


def test_an_unusable_picture_is_dropped_and_the_article_kept():
    article = Article.model_validate({"title": "Judul", "body": "Isi", "image": "http://x.id/a"})
    assert article.image_url is None


def test_the_first_usable_alias_wins():
    article = Article.model_validate(
        {"title": "J", "body": "I", "image_url": "ftp://x/a", "thumbnail": "https://x.id/t.jpg"}
    )
    assert article.image_url == "https://x.id/t.jpg"


def test_html_pages_give_their_og_image():
    page = (
        '<html><head><meta property="og:image" content="https://cdn.example.id/og.jpg">'
        "<title>Judul</title></head><body><article><h1>Judul</h1>"
        "<p>Isi berita yang cukup panjang.</p></article></body></html>"
    )
    record = parse_html_page(page)
    assert Article.model_validate(record).image_url == "https://cdn.example.id/og.jpg"
