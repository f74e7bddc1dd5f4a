"""api/openapi.json is what the handler accepts and returns (regenerate: UPDATE_OPENAPI=1)."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
from cariberita.articles.ids import ID_PATTERN, MAX_ID_CHARS, is_valid_id
from cariberita.http.openapi import render
from cariberita.http.search_api import Deps, build_app
from cariberita.search import params as p
from cariberita.search.related import DEFAULT_SIZE as DEFAULT_RELATED
from cariberita.search.related import MAX_SIZE as MAX_RELATED
from cariberita.search.settings import SearchSettings
from openapi_spec_validator import validate

DOC_PATH = Path(__file__).resolve().parents[2] / "api" / "openapi.json"


@pytest.fixture(scope="module")
def app():
    settings = SearchSettings(OPENSEARCH_ENDPOINT="http://127.0.0.1:9", CURSOR_SECRET="s" * 32)
    return build_app(Deps(settings, store=None))  # type: ignore[arg-type]  # never searched


@pytest.fixture(scope="module")
def doc():
    return json.loads(DOC_PATH.read_text(encoding="utf-8"))


def test_committed_document_equals_the_one_generated_from_the_code(app):
    generated = render(app)
    if os.environ.get("UPDATE_OPENAPI") == "1":
        DOC_PATH.write_text(generated, encoding="utf-8")
    assert DOC_PATH.read_text(encoding="utf-8") == generated, (
        "api/openapi.json is stale: run UPDATE_OPENAPI=1 pytest tests/unit/test_search_openapi.py"
    )


def test_document_is_valid_openapi(doc):
    validate(doc)


def test_every_route_is_documented_and_every_documented_route_exists(app, doc):
    routes = {(r.method.lower(), r.openapi_path) for r in app._static_routes + app._dynamic_routes}
    documented = {(method, path) for path, ops in doc["paths"].items() for method in ops}
    assert routes == documented


def _params(doc, path):
    return {q["name"]: q for q in doc["paths"][path]["get"]["parameters"]}


def _bounds(schema):
    options = schema.get("anyOf", [schema])
    merged = {}
    for option in options:
        merged.update(
            {
                k: v
                for k, v in option.items()
                if k in ("maximum", "minimum", "maxLength", "minLength", "enum")
            }
        )
    return merged


def test_search_parameters_and_bounds_match_the_code(doc):
    query = _params(doc, "/search")
    assert set(query) == {
        "q",
        "category",
        "date_from",
        "date_to",
        "author",
        "tag",
        "sort",
        "page",
        "size",
        "cursor",
        "publisher",
        "collapse",
    }
    assert _bounds(query["size"]["schema"]) == {"minimum": 1, "maximum": p.MAX_SIZE}
    assert query["size"]["schema"]["default"] == p.DEFAULT_SIZE
    assert _bounds(query["page"]["schema"]) == {"minimum": 1, "maximum": p.MAX_PAGE}
    # As sent: the limits of text hold after NFKC (params.RAW_SLACK).
    assert _bounds(query["q"]["schema"]) == {"maxLength": p.MAX_RAW_QUERY_CHARS}
    assert f"at most {p.MAX_QUERY_CHARS} characters" in query["q"]["description"]
    assert _bounds(query["cursor"]["schema"]) == {"maxLength": p.MAX_CURSOR_CHARS}
    assert _bounds(query["author"]["schema"]) == {"maxLength": p.MAX_FILTER_CHARS}
    assert _bounds(query["sort"]["schema"])["enum"] == ["relevance", "newest", "oldest"]
    category = query["category"]["schema"]["anyOf"][0]
    assert category["maxItems"] == p.MAX_CATEGORIES
    assert category["items"]["maxLength"] == p.MAX_FILTER_CHARS
    publisher = query["publisher"]["schema"]["anyOf"][0]
    assert publisher["maxItems"] == p.MAX_CATEGORIES
    assert query["collapse"]["schema"]["default"] is True
    assert not any(q["required"] for q in query.values())


def test_suggest_requires_q(doc):
    q = _params(doc, "/suggest")["q"]
    assert q["required"] is True
    assert _bounds(q["schema"]) == {"minLength": 1, "maxLength": p.MAX_RAW_SUGGEST_CHARS}
    assert f"At most {p.MAX_SUGGEST_CHARS} characters" in q["description"]


def test_every_operation_documents_its_errors_with_the_error_schema(doc):
    for path, ops in doc["paths"].items():
        responses = ops["get"]["responses"]
        assert "422" not in responses
        for status in ("500", "503"):
            schema = responses[status]["content"]["application/json"]["schema"]
            assert schema == {"$ref": "#/components/schemas/ErrorResponse"}, (path, status)
    assert "404" in doc["paths"]["/articles/{article_id}"]["get"]["responses"]


@pytest.mark.parametrize("path", ["/articles/{article_id}", "/articles/{article_id}/related"])
def test_the_article_id_parameter_carries_the_id_contract(doc, path):
    schema = _params(doc, path)["article_id"]["schema"]
    assert schema["pattern"] == ID_PATTERN
    assert schema["maxLength"] == MAX_ID_CHARS


@pytest.mark.parametrize("article_id", ["\u00ee\u00e2", ")", "-x", "a b", "u-0123abc", "cb-0001"])
def test_the_documented_id_pattern_accepts_exactly_the_ids_the_api_accepts(article_id):
    assert (re.fullmatch(ID_PATTERN, article_id) is not None) == is_valid_id(article_id)


def test_related_size_is_documented_with_its_bounds(doc):
    size = _params(doc, "/articles/{article_id}/related")["size"]
    assert _bounds(size["schema"]) == {"minimum": 1, "maximum": MAX_RELATED}
    assert size["schema"]["default"] == DEFAULT_RELATED
