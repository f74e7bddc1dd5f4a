"""Highlights and every other string are HTML-safe: only our own <mark> survives."""

from __future__ import annotations

import re

from cariberita.search.highlight import POST, PRE, escape, render, snippet
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
