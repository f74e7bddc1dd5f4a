"""The widest query a reader can send, with the widest editors' synonyms the rules allow, is one
OpenSearch accepts (at most 1,024 clauses): a review found 32 repeats of a word whose editors'
group held 19 forms of 12 words refused every time (503)."""

from __future__ import annotations

from cariberita.search import ranking
from cariberita.search.synonyms import Synonyms

from tests.support.small_index import index_articles


def test_the_widest_query_with_the_widest_editors_synonyms_is_accepted(os_client, index_alias):
    index_articles(os_client, index_alias, {"zq-1": ("Zq dan kabar", "Zq adalah kabar.")})
    forms = [" ".join(f"kata{n}x{i}" for i in range(12)) for n in range(19)]
    editors = Synonyms.from_groups([["zq", *forms[:9]], ["zq", *forms[9:]]])
    query = ranking.with_recency(ranking.text_query(" ".join(["zq"] * 32), editors))
    hits = os_client.search(index=index_alias, body={"query": query})["hits"]["hits"]
    assert [hit["_id"] for hit in hits] == ["zq-1"]
