"""Search parameters are normalised and cross-checked before any query is built."""

from __future__ import annotations

from datetime import date

import pytest
from cariberita.errors import InvalidRequest
from cariberita.search.params import RESULT_WINDOW, normalise_text, search_params


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("  banjir   bandang ", "banjir bandang"),
        ("banjir\u00a0bandang", "banjir bandang"),
        ("ｂａｎｊｉｒ", "banjir"),  # full-width letters
        ("ban\u200bjir", "ban jir"),
        ("\ue000banjir\ue001", "banjir"),  # our highlight markers cannot be smuggled in
        ("\x00banjir\x07", "banjir"),
        (None, ""),
    ],
)
def test_text_is_normalised(raw, clean):
    assert normalise_text(raw) == clean


def test_categories_are_lowercased_deduplicated_and_unescaped():
    params = search_params(
        categories=["HUKRIM", "hukrim", " Berita  Utama ", "News &amp; Entertainment"]
    )
    assert params.categories == ("hukrim", "berita utama", "news & entertainment")


def test_filters_record_only_what_was_asked():
    params = search_params(q="x", tag="Cuaca", date_from=date(2024, 1, 1))
    assert params.filters == {"tag": "cuaca", "date_from": "2024-01-01"}


@pytest.mark.parametrize(
    ("kwargs", "field", "code"),
    [
        ({"q": "kata " * 33}, "q", "invalid_parameter"),
        ({"categories": [f"k{i}" for i in range(11)]}, "category", "invalid_parameter"),
        ({"author": "x" * 101}, "author", "invalid_parameter"),
        (
            {"date_from": date(2024, 2, 2), "date_to": date(2024, 2, 1)},
            "date_from",
            "invalid_parameter",
        ),
        ({"page": 2, "cursor": "abc"}, "cursor", "invalid_parameter"),
        ({"page": 201, "size": 50}, "page", "page_too_deep"),
    ],
)
def test_invalid_combinations_name_the_parameter(kwargs, field, code):
    with pytest.raises(InvalidRequest) as err:
        search_params(**kwargs)
    assert (err.value.field, err.value.code) == (field, code)


def test_last_page_inside_the_window_is_allowed():
    params = search_params(page=RESULT_WINDOW // 50, size=50)
    assert params.offset + params.size == RESULT_WINDOW
