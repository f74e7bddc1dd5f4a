"""Case, accents, odd spaces and stopwords are normalised the same way for every field."""

from __future__ import annotations

import pytest


def tokens(os_client, index: str, text: str, analyzer: str = "id_news") -> list[str]:
    body = {"analyzer": analyzer, "text": text}
    return [t["token"] for t in os_client.indices.analyze(index=index, body=body)["tokens"]]


@pytest.mark.parametrize("word", ["yang", "dan", "di", "dari", "untuk", "tersebut", "adalah"])
def test_function_words_are_removed(os_client, index_alias, word):
    assert tokens(os_client, index_alias, f"banjir {word} surut") == ["banjir", "surut"]


@pytest.mark.parametrize("word", ["tidak", "bukan", "belum", "tanpa", "jangan", "lama", "baru"])
def test_negations_and_content_words_are_kept(os_client, index_alias, word):
    assert word in tokens(os_client, index_alias, f"banjir {word} surut")


def test_exact_analyzer_keeps_stopwords_for_phrases(os_client, index_alias):
    assert tokens(os_client, index_alias, "rumah di jakarta", "id_exact") == [
        "rumah",
        "di",
        "jakarta",
    ]


@pytest.mark.parametrize("analyzer", ["id_news", "id_exact"])
@pytest.mark.parametrize(
    ("text", "expected"),
    [("Café", ["cafe"]), ("ÉKONOMI", ["ekonomi"]), ("KORUPSI", ["korupsi"]), ("Señor", ["senor"])],
)
def test_case_and_accents_are_folded(os_client, index_alias, analyzer, text, expected):
    # Both sides of the match fold the same way; the stemmed analyzers may also cut the folded word.
    folded = tokens(os_client, index_alias, text, "id_exact")
    assert folded == expected
    assert tokens(os_client, index_alias, text, analyzer) == tokens(
        os_client, index_alias, expected[0], analyzer
    )


@pytest.mark.parametrize(
    "space",
    ["\u00a0", "\u202f", "\u2007", "\u200b", "\u2060", "\ufeff"],
    ids=lambda s: f"U+{ord(s):04X}",
)
def test_odd_spaces_separate_words(os_client, index_alias, space):
    assert tokens(os_client, index_alias, f"Jawa{space}Timur", "id_exact") == ["jawa", "timur"]


def test_soft_hyphen_inside_a_word_is_ignored(os_client, index_alias):
    assert tokens(os_client, index_alias, "pemerin\u00adtah") == ["pemerintah"]


@pytest.mark.parametrize("spelling", ["Jum'at", "Jum\u2019at", "Jumat"])
def test_apostrophe_spellings_meet(os_client, index_alias, spelling):
    assert tokens(os_client, index_alias, spelling, "id_exact") == ["jumat"]
