"""The article contract bounds what one record can do to everyone else: dates in a window,
newer-wins over the whole window, one-line fields without line breaks or highlight markers,
strict URLs, and one id contract shared with the search API."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from cariberita.articles import Article, Tombstone, article_from_record
from cariberita.articles.dates import EARLIEST, version_millis
from cariberita.articles.ids import is_valid_id
from cariberita.articles.text import clean_body, clean_line
from cariberita.errors import InvalidArticle

BASE = {"title": "Judul", "body": "Isi berita."}
LINE_BREAKS = ["\n", "\r", "\r\n", "\u2028", "\u2029", "\x85", "\x0b", "\x0c"]
MARKERS = ["\ue000", "\ue001", "\uf8ff", "\U000f0000", "\U0010fffd"]


def _reason(record: dict) -> str:
    with pytest.raises(InvalidArticle) as err:
        article_from_record(record)
    return str(err.value)


@pytest.mark.parametrize(
    "when",
    [
        "9999-12-31T23:59:59Z",
        "1899-12-31T23:59:59Z",
        "0001-01-01T00:00:00Z",
        (datetime.now(UTC) + timedelta(days=3)).isoformat(),
        "1 Januari 2999",
    ],
)
@pytest.mark.parametrize("field", ["published_at", "updated_at"])
def test_a_date_outside_the_window_is_rejected_with_a_reason(field, when):
    reason = _reason({**BASE, field: when})
    assert field in reason and "outside 1900-01-01" in reason


@pytest.mark.parametrize(
    "when",
    ["1900-01-01T00:00:00Z", "1945-08-17T10:00:00+07:00", (datetime.now(UTC)).isoformat()],
)
def test_a_date_inside_the_window_is_kept(when):
    assert article_from_record({**BASE, "published_at": when}).published_at is not None


def test_a_tombstone_date_is_bounded_too():
    with pytest.raises(ValueError, match="outside"):
        Tombstone.model_validate({"id": "a-1", "deleted": True, "updated_at": "9999-01-01"})


def test_versions_order_dates_before_1970_and_are_never_negative():
    dates = [
        "1900-01-01T00:00:00Z",
        "1945-08-17",
        "1965-09-30",
        "1969-12-31T23:59:59Z",
        "1998-05-21",
    ]
    versions = [article_from_record({**BASE, "updated_at": d}).version for d in dates]
    assert versions == sorted(versions) and len(set(versions)) == len(versions)
    assert versions[0] == 0 and all(v >= 0 for v in versions)
    assert version_millis(EARLIEST + timedelta(milliseconds=1)) == 1


def test_tombstone_versions_use_the_same_scale_as_articles():
    when = "1960-01-01T00:00:00Z"
    article = article_from_record({**BASE, "updated_at": when})
    tombstone = Tombstone.model_validate({"id": "a-1", "deleted": True, "updated_at": when})
    assert tombstone.version == article.version


@pytest.mark.parametrize("brk", LINE_BREAKS)
@pytest.mark.parametrize("field", ["title", "author", "editor", "publisher", "image_caption"])
def test_one_line_fields_keep_no_line_break(field, brk):
    record = {**BASE, field: f"Satu{brk}dua"}
    if field == "publisher":
        record[field] = f"kompas{brk}.com"
    value = getattr(article_from_record(record), field)
    assert not any(b in value for b in LINE_BREAKS), repr(value)


@pytest.mark.parametrize("brk", LINE_BREAKS)
def test_categories_and_tags_keep_no_line_break(brk):
    article = article_from_record({**BASE, "category": f"Berita{brk}Utama", "tags": [f"a{brk}b"]})
    assert article.categories == ["Berita Utama"] and article.tags == ["a b"]


@pytest.mark.parametrize("marker", MARKERS)
def test_private_use_characters_are_stripped_everywhere(marker):
    article = article_from_record(
        {
            "title": f"{marker}Banjir{marker}",
            "body": f"Air {marker}naik{marker}.\n\nParagraf dua.",
            "author": f"A{marker}",
            "category": f"Uji{marker}",
            "tags": [f"t{marker}"],
        }
    )
    for value in (article.title, article.body, article.author, *article.categories, *article.tags):
        assert marker not in value
    assert article.body == "Air naik.\n\nParagraf dua."


def test_a_body_keeps_its_paragraphs_across_every_kind_of_break():
    body = "Satu.\u2029Dua.\r\n\r\nTiga.\x85\x85Empat.\u2028lanjut."
    assert clean_body(body) == "Satu.\n\nDua.\n\nTiga.\n\nEmpat. lanjut."


def test_clean_line_turns_every_control_into_a_space():
    assert clean_line("a\x00b\x1fc\x7fd\x9fe\tf") == "a b c d e f"


@pytest.mark.parametrize(
    "url",
    [
        "https://ok.com/\n<script>",
        "https://ok.com/a\rb",
        "https://ok.com/a b",
        "https://ok.com/a\tb",
        "https://ok.com/\u2028x",
        "https://ok.com/\x85x",
        "https://ok.com/\u202ex",
        "javascript:alert(1)",
        "ftp://ok.com/a",
        "https:///tanpa-host",
        "https://:80/a",
        "//ok.com/a",
        "https://ok.com:port/a",
        # found by a review: private-use and invisible code points, and credentials
        "https://ex\ue000ample.com/berita",
        "https://example.com/\ue001x",
        "https://example.com/\U000f0000",
        "https://example.com/\u00ad",
        "https://exa\u034fmple.com/",
        "https://example.com/\ufff9",
        "https://example.com/\ufe0f",
        "https://user:pw@example.com/x",  # secrets-scan: allow (a rejected example)
        "https://bücher.de/x",
    ],
)
def test_urls_are_validated_strictly(url):
    assert "url" in _reason({**BASE, "url": url})


@pytest.mark.parametrize(
    "url",
    [
        "https://ok.com/a?b=c#d",
        "http://OK.com:8080/x",
        "https://contoh.id/x?a=%22%3E",
        "https://xn--bcher-kva.de/x",
        "https://contoh.id/berita/kopi-ñ-café",
        "http://127.0.0.1:8080/x",
    ],
)
def test_ordinary_urls_pass(url):
    assert article_from_record({**BASE, "url": url}).url == url


@pytest.mark.parametrize(
    ("value", "valid"),
    [
        ("a-1", True),
        ("u-0123456789abcdef01234567", True),
        ("A.b_c:d-e", True),
        ("x" * 200, True),
        ("x" * 201, False),
        ("-awal", False),
        ("", False),
        ("a b", False),
        ("a/b", False),
        ("ä", False),
        ("a\n", False),
        (42, False),
    ],
)
def test_the_id_contract(value, valid):
    assert is_valid_id(value) is valid
    # The article contract uses the same rule.
    if valid:
        assert Article.model_validate({**BASE, "id": value}).id == value
    elif isinstance(value, str) and value and value.strip() == value:
        with pytest.raises(ValueError):
            Article.model_validate({**BASE, "id": value})


def test_a_picture_url_is_held_to_the_same_rules_and_dropped_rather_than_refused():
    record = {**BASE, "image_url": "https://img.contoh.id/\ue000.jpg"}
    assert article_from_record(record).image_url is None
    record = {**BASE, "image_url": "https://img.contoh.id/a.jpg"}
    assert article_from_record(record).image_url == "https://img.contoh.id/a.jpg"
