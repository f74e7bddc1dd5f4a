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


def test_a_short_query_with_its_tier_and_the_widest_synonyms_and_typos_is_accepted(
    os_client, index_alias
):
    # Three concepts hold their clauses three times (the recency sum, the tier): each with the
    # widest editors' groups of one-word forms (38, more leaves than long forms), and 25
    # one-edit neighbours in the index for each (fuzzy expansion's 20 terms).
    heads = ["kabarxz", "beritayz", "wartawz"]
    neighbours = [head[:-1] + c for head in heads for c in "abcdefghijklmnopqrstuvwxy"]
    index_articles(
        os_client,
        index_alias,
        {"zq-1": (" ".join(heads), " ".join(heads)), "zq-2": ("Kata", " ".join(neighbours))},
    )
    groups = []
    for head in heads:
        forms = [f"{head}f{n}" for n in range(38)]
        groups += [[head, *forms[:19]], [head, *forms[19:]]]
    concepts = ranking.read(" ".join(heads), Synonyms.from_groups(groups))
    assert len(concepts) == ranking.ALL_CONCEPTS_MAX
    assert sum(len(c.synonyms) for c in concepts) == ranking.TIERED_SYNONYM_WORDS
    query = ranking.all_concepts_first(concepts, ranking.with_recency(ranking.scoring(concepts)))
    hits = os_client.search(index=index_alias, body={"query": query})["hits"]["hits"]
    assert {hit["_id"] for hit in hits} == {"zq-1", "zq-2"}
