"""Highlights and every other string are HTML-safe: only our own <mark> survives."""

from __future__ import annotations

import html
import re

from cariberita.articles.document import LEAD_CHARS
from cariberita.search import highlight, query, ranking
from cariberita.search.highlight import POST, PRE, escape, render, snippet
from cariberita.search.params import DEFAULT_SIZE, MAX_SIZE, SearchParams
from hypothesis import given
from hypothesis import strategies as st

TAG = re.compile(r"<[^>]*>")


def test_markers_become_mark_and_everything_else_is_escaped():
    fragment = f'<script>alert("x")</script> {PRE}banjir{POST} & <b>air</b>'
    assert render(fragment) == (
        "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; "
        "<mark>banjir</mark> &amp; &lt;b&gt;air&lt;/b&gt;"
    )


def test_unbalanced_or_stored_markers_never_make_markup():
    assert render(f"{PRE}{PRE}banjir{POST}{POST} {POST}x{PRE}") == "<mark>banjir</mark> x"


def test_snippet_joins_fragments_and_falls_back_to_escaped_text():
    assert snippet([f"a {PRE}b{POST}", "c"], None) == "a <mark>b</mark> … c"
    assert snippet(None, "<i>awal</i> berita") == "&lt;i&gt;awal&lt;/i&gt; berita"
    assert snippet(None, None) == ""


def test_escape_quotes_for_attributes():
    assert escape("a\"b'c") == "a&quot;b&#x27;c"


@given(st.text(alphabet=st.sampled_from([*list("<>&\"'/ab ="), PRE, POST]), max_size=60))
def test_rendered_text_contains_no_tag_but_mark(text):
    tags = set(TAG.findall(render(text)))
    assert tags <= {"<mark>", "</mark>"}
    assert render(text).count("<mark>") == render(text).count("</mark>")
    assert not TAG.findall(escape(text))


@given(st.text(alphabet=st.sampled_from([*list("<&a "), PRE, POST]), max_size=40))
def test_well_paired_markers_render_as_the_general_rule_does(text):
    # render's fast path (markers as the highlighter writes them) against the rule itself:
    # balanced pairs become <mark>, every other marker is dropped.
    escaped = html.escape(text, quote=True)
    general = highlight._STRAY.sub("", highlight._PAIR.sub(r"<mark>\1</mark>", escaped))
    assert render(text) == general


def test_a_default_page_highlights_each_lead_whole():
    block = highlight.for_query(ranking.read("banjir rob"), DEFAULT_SIZE)
    assert block["max_analyzer_offset"] >= LEAD_CHARS


def test_a_page_analyses_a_bounded_number_of_characters_whatever_its_size():
    for size in (1, DEFAULT_SIZE, 20, MAX_SIZE):
        offset = highlight.for_query(ranking.read("banjir"), size)["max_analyzer_offset"]
        assert offset <= highlight.MAX_HIGHLIGHT_OFFSET
        assert offset * size <= max(highlight.PAGE_HIGHLIGHT_CHARS, highlight.MAX_HIGHLIGHT_OFFSET)


def test_only_the_first_concepts_of_a_long_query_are_marked():
    words = " ".join(f"kata{n}" for n in range(30))
    marked = highlight.for_query(ranking.read(words), DEFAULT_SIZE)["highlight_query"]
    assert len(marked["bool"]["should"]) == highlight.MARKED_CONCEPTS


def test_a_hit_is_highlighted_in_the_shown_fields_only():
    # Each highlighted field is one more read of the hit's stored document.
    fields = highlight.request(highlight.MAX_HIGHLIGHT_OFFSET)["fields"]
    assert set(fields) == {"title", highlight.SNIPPET_FIELD}


def test_a_block_built_without_its_page_is_bounded_as_the_largest_page():
    # The newest articles with no query, and a story's copies (inner_hits).
    offset = highlight.opening()["max_analyzer_offset"]
    assert offset * MAX_SIZE <= highlight.PAGE_HIGHLIGHT_CHARS
    assert offset >= highlight.NO_MATCH_CHARS  # enough to cut the start shown without a match


def test_without_a_query_only_the_snippet_is_cut_and_nothing_is_analysed():
    # The plain highlighter analyses the lead to find where to cut; the unified one does not
    # (docs/search.md, "Highlights"). The title, with nothing to mark, is not read at all.
    block = highlight.opening()
    assert block["type"] == "unified"
    assert set(block["fields"]) == {highlight.SNIPPET_FIELD}
    assert block["fields"][highlight.SNIPPET_FIELD]["no_match_size"] == highlight.NO_MATCH_CHARS
    assert "highlight_query" not in block


def test_an_empty_query_asks_for_the_opening_block_and_a_query_for_marks():
    listing = query.search_body(SearchParams(), 1000)
    assert listing["highlight"] == highlight.opening()
    newest = query.search_body(SearchParams(sort="newest"), 1000)
    assert newest["collapse"]["inner_hits"]["highlight"] == highlight.opening()
    marks = query.search_body(SearchParams(q="banjir"), 1000)["highlight"]
    assert marks["type"] == highlight.FAST_VECTOR
    assert highlight.as_plain(marks) == {**marks, "type": "plain"}
    assert highlight.as_plain(listing["highlight"]) == listing["highlight"]
