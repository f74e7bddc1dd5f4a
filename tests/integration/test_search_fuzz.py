"""Hypothesis over /search and /suggest parameters through the real handler: never a 500.

Any combination of any text in any parameter gets either results or our 400 JSON error.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.relevance.api import invoke, search

pytestmark = pytest.mark.filterwarnings("ignore:No application metrics")

FUZZ = settings(
    max_examples=150,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# Words from the index, query syntax, markup, odd Unicode and plain noise.
WORDS = st.sampled_from(
    [
        "banjir",
        "pemkot",
        "kpk",
        "melayani",
        "mojokreto",
        "AND",
        "OR",
        "NOT",
        "title:",
        "*",
        "?",
        "~2",
        "^3",
        '"',
        "(",
        ")",
        "[",
        "{{x}}",
        "\\",
        "/",
        "<script>",
        "&amp;",
        "\ue000",
        "\u0000",
        "🌊",
        "ｂａｎｊｉｒ",
        "ـ",
        "\u200b",
        "-",
        "+",
        "'",
        ";",
        "%",
        "0",
        "9999999999",
    ]
)
TEXT = st.one_of(st.text(max_size=60), st.lists(WORDS, max_size=12).map(" ".join))
NUMBER = st.one_of(st.integers(-5, 20_000).map(str), st.text(max_size=6))
DATE = st.one_of(st.dates().map(str), st.text(max_size=12))
PARAMS = st.fixed_dictionaries(
    {},
    optional={
        "q": TEXT,
        "category": st.lists(TEXT, max_size=12),
        "date_from": DATE,
        "date_to": DATE,
        "author": TEXT,
        "tag": TEXT,
        "sort": st.one_of(st.sampled_from(["relevance", "newest", "oldest"]), st.text(max_size=8)),
        "page": NUMBER,
        "size": NUMBER,
        "cursor": st.one_of(TEXT, st.just("eyJ2IjoxfQ.AAAA")),
        "unknown": TEXT,
    },
)


@pytest.fixture(scope="module", autouse=True)
def search_index(loaded_search_index: str) -> str:
    return loaded_search_index


def _check(reply) -> None:
    assert reply.status in (200, 400), reply.body
    if reply.status == 400:
        assert set(reply.body) == {"error"}
        assert set(reply.body["error"]) == {"code", "message", "field"}


@FUZZ
@given(PARAMS)
def test_any_search_parameters_give_results_or_a_400(params):
    _check(search(**params))


@FUZZ
@given(TEXT)
def test_any_suggest_text_gives_suggestions_or_a_400(q):
    _check(invoke("search-suggest", q=q))
