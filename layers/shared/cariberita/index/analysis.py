"""Indonesian analysis for news, built from parts rather than the stock ``indonesian`` analyzer.

Chain for title and body (``id_news``):
  char filters (odd spaces -> space, soft hyphens and apostrophes removed, rumah2 -> rumah rumah)
  -> standard tokenizer
  -> lowercase -> asciifolding -> stopwords that keep negations -> keyword_marker (protected
  names and words) -> stemmer_override (hand-written, then generated word families)
  -> Lucene's Indonesian stemmer.
The same analyzer serves both sides of a match: abbreviations and other synonyms are expanded
by the search function at query time (``cariberita.search.synonyms``), so a list change needs
no reindex and never closes an index.
Unstemmed subfields use ``id_exact`` (no stopwords, no stemming) for exact words, phrases and
fuzzy matching, which must see the surface form: ``korupi`` never reaches ``korupsi`` once stemmed.
See docs/analysis.md for the reasons and for how to extend the word lists.
"""

from __future__ import annotations

from typing import Any

from cariberita.index.wordlists import read

_FOLD = ["lowercase", "asciifolding"]
# Stemmed fields also undo informal reduplication (rumah2); id_exact keeps the surface form.
_CHARS = ["id_spaces", "id_reduplication"]
_STEM = ["id_stop", "id_protected", "id_stem_override", "id_stemmer"]


def stem_override_rules() -> list[str]:
    """``word => stem`` rules: the hand-written list, then the generated families."""
    return [*read("stem_overrides.txt"), *read("stem_overrides_generated.txt")]


def analysis_settings() -> dict[str, Any]:
    """The ``settings.analysis`` block of the articles index."""
    return {
        "char_filter": {
            # Non-breaking and zero-width spaces are common in CMS exports; make them plain spaces
            # (the standard tokenizer would glue words across a zero-width space or word joiner).
            # Soft hyphens sit inside words (pemerin\u00ADtah) and apostrophes vary (Jum'at, Jum’at,
            # Jumat): drop both so every spelling meets.
            "id_spaces": {
                "type": "mapping",
                "mappings": [
                    *(
                        f"\\u{code}=>\\u0020"
                        for code in ("00A0", "2007", "202F", "200B", "2060", "FEFF")
                    ),
                    *(f"\\u{code}=>" for code in ("00AD", "0027", "2019", "2018", "02BC")),
                ],
            },
            # Informal reduplication: rumah2 -> rumah rumah, anak2nya -> anak anaknya, as the
            # tokenizer already splits anak-anak. Only a word of 3+ letters ending in a single 2
            # (covid19, g20, km2, rp2 and 2024 stay whole); Moto2/Liga2 become moto moto / liga liga
            # here on both sides of a match, and the .exact subfields keep moto2.
            "id_reduplication": {
                "type": "pattern_replace",
                "pattern": r"(?<![\p{L}\p{N}])(\p{L}{3,})2(nya|ku|mu)?(?![\p{L}\p{N}])",
                "replacement": "$1 $1$2",
            },
        },
        "filter": {
            "id_stop": {"type": "stop", "stopwords": list(read("stopwords.txt"))},
            "id_protected": {"type": "keyword_marker", "keywords": list(read("protected.txt"))},
            # Hand-written rules first: for a word listed twice, the first rule loaded wins.
            "id_stem_override": {"type": "stemmer_override", "rules": stem_override_rules()},
            "id_stemmer": {"type": "stemmer", "language": "indonesian"},
            "id_autocomplete_edge": {"type": "edge_ngram", "min_gram": 1, "max_gram": 20},
        },
        "normalizer": {
            "lowercase_keyword": {"type": "custom", "filter": ["lowercase", "asciifolding"]},
        },
        "analyzer": {
            "id_news": {
                "type": "custom",
                "char_filter": _CHARS,
                "tokenizer": "standard",
                "filter": [*_FOLD, *_STEM],
            },
            "id_exact": {
                "type": "custom",
                "char_filter": ["id_spaces"],
                "tokenizer": "standard",
                "filter": _FOLD,
            },
        },
    }
