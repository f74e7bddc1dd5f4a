"""A cluster without the lang-mustache module still answers searches: the store learns it from
the first refusal of did-you-mean's collate and sends later searches without it
(search/store.py; docs/search.md, "Did you mean")."""

from __future__ import annotations

from typing import Any

from cariberita.search import query, suggest
from cariberita.search.params import SearchParams
from cariberita.search.store import OpenSearchStore
from opensearchpy import exceptions as os_errors

# What the node answers (opensearch-py keeps the body as the error's info).
REFUSAL = {
    "error": {
        "root_cause": [
            {"type": "illegal_argument_exception", "reason": "script_lang not supported [mustache]"}
        ],
        "type": "search_phase_execution_exception",
        "reason": "all shards failed",
    },
    "status": 400,
}
EMPTY = {"took": 1, "hits": {"total": {"value": 0, "relation": "eq"}, "hits": []}}


class NoMustacheClient:
    """Refuses any body whose suggester has a collate, as a cluster without lang-mustache does."""

    def __init__(self) -> None:
        self.bodies: list[dict[str, Any]] = []

    def search(self, **kwargs: Any) -> dict[str, Any]:
        body = kwargs["body"]
        self.bodies.append(body)
        if "collate" in body.get("suggest", {}).get(suggest.SPELLING, {}).get("phrase", {}):
            raise os_errors.RequestError(400, "search_phase_execution_exception", REFUSAL)
        return EMPTY


def _body(q: str, **filters: Any) -> dict[str, Any]:
    params = SearchParams.from_query(q=q, **filters)
    body = query.search_body(params, 1000)
    section = suggest.spelling_section(params.q, query.scope(body))
    assert section is not None
    body["suggest"] = section
    return body


def test_a_cluster_without_mustache_answers_and_is_asked_without_the_collate_afterwards():
    client = NoMustacheClient()
    store = OpenSearchStore(client, "articles", 1000)  # type: ignore[arg-type]
    assert store.search(_body("nojokerto", category=["olahraga"])) == EMPTY
    assert store.search(_body("xorupsi")) == EMPTY
    # Refused once, re-sent without it, then never sent again in this container.
    sent = ["collate" in b["suggest"][suggest.SPELLING]["phrase"] for b in client.bodies]
    assert sent == [True, False, False]
    assert store.templates is False
    # Everything else about the request is unchanged.
    assert {k: v for k, v in client.bodies[1].items() if k != "suggest"} == {
        k: v for k, v in _body("nojokerto", category=["olahraga"]).items() if k != "suggest"
    }


def test_without_collate_leaves_a_body_without_a_suggester_as_it_is():
    body = query.search_body(SearchParams.from_query(q=""), 1000)
    assert suggest.without_collate(body) is body
