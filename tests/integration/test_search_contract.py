"""Real responses (success and every error) validate against the schemas of api/openapi.json."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from tests.relevance.api import invoke
from tests.support.events import load_event

pytestmark = pytest.mark.filterwarnings("ignore:No application metrics")

DOC = json.loads((Path(__file__).resolve().parents[2] / "api" / "openapi.json").read_text("utf-8"))


@pytest.fixture(scope="module", autouse=True)
def search_index(loaded_search_index: str) -> str:
    return loaded_search_index


def validate(path: str, status: int, body) -> None:
    responses = DOC["paths"][path]["get"]["responses"]
    assert str(status) in responses, f"{path} answered {status}, which the document does not list"
    schema = responses[str(status)]["content"]["application/json"]["schema"]
    Draft202012Validator({**schema, "components": DOC["components"]}).validate(body)


def article_event(article_id: str) -> dict:
    event = load_event("search-article.json")
    event["path"] = f"/articles/{article_id}"
    event["pathParameters"] = {"article_id": article_id}
    return event


CASES = [
    ("/search", "search-basic", {}),
    ("/search", "search-filters", {}),
    ("/search", "search-empty-query", {"q": "nojokerto"}),
    ("/search", "search-empty-query", {"q": "kebakaran", "size": "1"}),
    ("/search", "search-error-size", {}),
    ("/search", "search-error-cursor", {}),
    ("/search", "search-error-page-too-deep", {}),
    ("/suggest", "search-suggest", {}),
    ("/suggest", "search-error-suggest-missing-q", {}),
    ("/categories", "search-categories", {}),
    ("/health", "search-health", {}),
]


@pytest.mark.parametrize(("path", "event", "params"), CASES)
def test_response_matches_the_documented_schema(path, event, params):
    reply = invoke(event, **params)
    validate(path, reply.status, reply.body)


@pytest.mark.parametrize("article_id", ["cb-0001", "tidak-ada", "x" * 201])
def test_article_responses_match_the_documented_schema(article_id):
    reply = invoke(article_event(article_id))
    validate("/articles/{article_id}", reply.status, reply.body)


def test_unavailable_response_matches_the_documented_schema(monkeypatch):
    monkeypatch.setenv("ARTICLES_INDEX", "tidak-ada-indeks")
    reply = invoke("search-basic")
    assert reply.status == 503
    validate("/search", 503, reply.body)
