"""Hypothesis over the article contract: any decoded record is an article, a tombstone or a
clear InvalidArticle, and every accepted article makes a document the strict mapping accepts."""

from __future__ import annotations

import json
import os

import pytest
from cariberita.articles.document import to_document
from cariberita.articles.model import MAX_BODY_CHARS, MAX_TITLE_CHARS, Article, Tombstone
from cariberita.articles.validation import article_from_record
from cariberita.errors import InvalidArticle
from cariberita.index.mapping import KEPT_BY_WRITER, mappings
from hypothesis import HealthCheck, given, reject, settings
from hypothesis import strategies as st

from tests.support.article_strategies import good_article, invalid_record

FIELDS = set(mappings()["properties"]) - KEPT_BY_WRITER
BASE = settings(
    deadline=None,
    database=None,
    derandomize=os.environ.get("CI") == "true",
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def fuzz(examples: int) -> settings:
    return settings(BASE, max_examples=examples)


# Found by this campaign; pinned by test_known_bug_numeric_date_out_of_range below.
KNOWN_CRASHES = (OSError, OverflowError)

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)
FIELD_NAMES = ("id", "title", "body", "category", "categories", "published_at", "updated_at")
FIELD_NAMES += ("author", "tags", "url", "publisher", "source", "deleted")
records = st.one_of(
    json_values,
    st.dictionaries(st.sampled_from(FIELD_NAMES), json_values, max_size=8),
    st.builds(
        lambda a, b: {**a, **b},
        good_article(),
        st.dictionaries(st.sampled_from(FIELD_NAMES), json_values, max_size=3),
    ),
    invalid_record(),
)


def validate(record):
    try:
        return article_from_record(record)
    except InvalidArticle as exc:
        assert str(exc)
        return exc
    except KNOWN_CRASHES:
        reject()


def check_document(article: Article) -> None:
    document = to_document(article, "berita-bucket/batch.ndjson")
    assert set(document) == FIELDS
    json.dumps(document)  # serialisable as the bulk body
    assert 0 < len(document["title"]) <= MAX_TITLE_CHARS
    assert 0 < len(document["body"]) <= MAX_BODY_CHARS
    assert document["id"] == article.id and len(article.id.encode()) <= 512


@fuzz(1000)
@given(record=records)
def test_any_record_is_an_article_a_tombstone_or_a_clear_rejection(record):
    result = validate(record)
    if isinstance(result, Article):
        check_document(result)
    else:
        assert isinstance(result, Tombstone | InvalidArticle)


@fuzz(300)
@given(article=good_article(), text=st.text(min_size=1, max_size=200))
def test_unicode_edge_cases_in_text_fields_never_crash(article, text):
    # Control characters, zero-width joiners, RTL marks, surrogates-free astral text...
    result = validate({**article, "title": text, "author": text, "tags": [text]})
    if isinstance(result, Article):
        check_document(result)


@fuzz(200)
@given(record=invalid_record())
def test_each_kind_of_bad_record_is_rejected(record):
    assert isinstance(validate(record), InvalidArticle)


@pytest.mark.parametrize("value", [10**20, 1e300, float("inf")])
def test_numeric_date_out_of_range_is_a_clear_rejection(value):
    with pytest.raises(InvalidArticle):
        article_from_record({"title": "Banjir", "body": "Air naik.", "published_at": value})
