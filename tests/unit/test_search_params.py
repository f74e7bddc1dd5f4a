"""Search parameters are normalised and cross-checked before any query is built."""

from __future__ import annotations

from datetime import date

import pytest
from cariberita.errors import InvalidRequest
from cariberita.search.params import RESULT_WINDOW, SearchParams, normalise_text
from pydantic import ValidationError


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
    params = SearchParams.from_query(
        category=["HUKRIM", "hukrim", " Berita  Utama ", "News &amp; Entertainment"]
    )
    assert params.filters.category == ("hukrim", "berita utama", "news & entertainment")


def test_filters_record_only_what_was_asked():
    params = SearchParams.from_query(q="x", tag="Cuaca", date_from=date(2024, 1, 1))
    assert params.filters.asked() == {"tag": "cuaca", "date_from": "2024-01-01"}


@pytest.mark.parametrize(
    ("kwargs", "field", "code"),
    [
        ({"q": "kata " * 33}, "q", "invalid_parameter"),
        ({"category": [f"k{i}" for i in range(11)]}, "category", "invalid_parameter"),
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
        SearchParams.from_query(**kwargs)
    assert (err.value.field, err.value.code) == (field, code)


def test_a_variant_keeps_every_other_field_and_stays_frozen():
    params = SearchParams.from_query(q="banjir", category=["bola"], author="Rina", size=20)
    variant = params.model_copy(update={"q": "banjur"})
    assert variant.filters == params.filters
    assert (variant.sort, variant.size) == (params.sort, params.size)
    with pytest.raises(ValidationError):
        params.q = "x"  # type: ignore[misc]


def test_values_the_edge_did_not_check_are_refused_naming_the_parameter():
    with pytest.raises(InvalidRequest) as err:
        SearchParams.from_query(size=0)
    assert err.value.field == "size"
    with pytest.raises(InvalidRequest) as err:
        SearchParams.from_query(date_from="31-03-2024")
    assert err.value.field == "date_from"


def test_last_page_inside_the_window_is_allowed():
    params = SearchParams.from_query(page=RESULT_WINDOW // 50, size=50)
    assert params.offset + params.size == RESULT_WINDOW
