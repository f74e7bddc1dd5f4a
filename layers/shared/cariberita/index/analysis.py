"""Indonesian analysis for news, built from parts rather than the stock ``indonesian`` analyzer.

Chain for title and body (``id_news``):
  standard tokenizer -> lowercase -> asciifolding -> stopwords that keep negations
  -> keyword_marker (protected names and words) -> stemmer_override (nasal-prefix families)
  -> Lucene's Indonesian stemmer.
The search-time analyzer (``id_news_search``) adds acronym synonyms (a synonym *graph*, so
multi-word expansions work in match and phrase queries) before the stopwords; synonyms stay out
of the index so the list can change without reindexing.
Unstemmed subfields use ``id_exact`` (no stopwords, no stemming) for exact words, phrases and
fuzzy matching, which must see the surface form: ``korupi`` never reaches ``korupsi`` once stemmed.
"""

from __future__ import annotations

from typing import Any

from cariberita.index.wordlists import read

_FOLD = ["lowercase", "asciifolding"]
_STEM = ["id_stop", "id_protected", "id_stem_override", "id_stemmer"]


def analysis_settings() -> dict[str, Any]:
    """The ``settings.analysis`` block of the articles index."""
    return {
        "char_filter": {
            # Non-breaking and zero-width spaces are common in CMS exports; make them plain spaces.
            "id_spaces": {
                "type": "mapping",
                "mappings": ["\\u00A0=>\\u0020", "\\u200B=>\\u0020", "\\u202F=>\\u0020"],
            },
        },
        "filter": {
            "id_stop": {"type": "stop", "stopwords": list(read("stopwords.txt"))},
            "id_protected": {"type": "keyword_marker", "keywords": list(read("protected.txt"))},
            "id_stem_override": {"type": "stemmer_override", "rules": list(read("stem_overrides.txt"))},
            "id_stemmer": {"type": "stemmer", "language": "indonesian"},
            "id_acronyms": {
                "type": "synonym_graph",
                "synonyms": list(read("acronyms.txt")),
                "expand": True,
                "lenient": True,
            },
            "id_autocomplete_edge": {"type": "edge_ngram", "min_gram": 1, "max_gram": 20},
        },
        "normalizer": {
            "lowercase_keyword": {"type": "custom", "filter": ["lowercase", "asciifolding"]},
        },
        "analyzer": {
            "id_news": {
                "type": "custom",
                "char_filter": ["id_spaces"],
                "tokenizer": "standard",
                "filter": [*_FOLD, *_STEM],
            },
            "id_news_search": {
                "type": "custom",
                "char_filter": ["id_spaces"],
                "tokenizer": "standard",
                "filter": [*_FOLD, "id_acronyms", *_STEM],
            },
            "id_exact": {
                "type": "custom",
                "char_filter": ["id_spaces"],
                "tokenizer": "standard",
                "filter": _FOLD,
            },
        },
    }
