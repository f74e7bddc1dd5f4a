"""The handler with an in-memory store: error mapping, settings, and no leaks."""

from __future__ import annotations

import json
from typing import Any

import pytest
from cariberita.errors import ConfigurationError, SearchUnavailable
from cariberita.http.search_api import Deps
from cariberita.search.settings import SearchSettings

from tests.support.events import load_event
from tests.support.handlers import LambdaContext as FakeLambdaContext
from tests.support.handlers import load_handler_module

pytestmark = pytest.mark.filterwarnings("ignore:No application metrics")

# Imported at collection, before sockets are switched off: the X-Ray SDK behind the tracer opens
# its UDP emitter socket when the handler module is first imported.
APP = load_handler_module("search")

SETTINGS = SearchSettings(
    OPENSEARCH_ENDPOINT="http://127.0.0.1:9",
    CURSOR_SECRET="s" * 32,
    CORS_ALLOWED_ORIGINS="https://a.id",
)


class FakeStore:
    """Answers every search with ``hits`` and no aggregations, or raises ``error``."""

    def __init__(self, hits: list[dict[str, Any]] | None = None, error: Exception | None = None):
        self.hits = hits or []
        self.error = error
        self.bodies: list[dict[str, Any]] = []

    def search(self, body):
        self.bodies.append(body)
        if self.error:
            raise self.error
        return {
            "took": 3,
            "hits": {"total": {"value": len(self.hits), "relation": "eq"}, "hits": self.hits},
        }

    def get(self, doc_id):
        if self.error:
            raise self.error
        return {"_id": doc_id, "_source": {"id": doc_id, "title": "Judul", "body": "Isi"}}

    def ping(self):
        if self.error:
            raise self.error
        return 1


def call(event_name: str, store: FakeStore, **query) -> tuple[int, dict[str, str], dict]:
    event = load_event(f"{event_name}.json")
    if query:
        event["queryStringParameters"] = query
        event["multiValueQueryStringParameters"] = {k: [v] for k, v in query.items()}
    response = APP.handle(event, FakeLambdaContext(), Deps(SETTINGS, store))
    headers = {k: v[-1] for k, v in response["multiValueHeaders"].items()}
    return response["statusCode"], headers, json.loads(response["body"])


def test_search_shapes_a_response_from_the_store():
    hit = {
        "_id": "a1",
        "_source": {"id": "a1", "title": "Banjir <b>", "published_at": "2024-03-01T10:00:00+07:00"},
        "highlight": {"title": ["\ue000Banjir\ue001 <b>"]},
        "sort": [1.0, 1, "a1"],
    }
    status, _headers, body = call("search-basic", FakeStore([hit]))
    assert status == 200
    assert body["results"][0]["title_html"] == "<mark>Banjir</mark> &lt;b&gt;"
    # The fake store answers no aggregations: no copies, so one story per match.
    assert body["total"] == {"value": 1, "exact": True, "stories": 1}
    assert body["next_cursor"] is None


def test_unavailable_store_is_503_with_retry_after():
    status, headers, body = call("search-basic", FakeStore(error=SearchUnavailable("down")))
    assert status == 503
    assert headers["Retry-After"] == "5"
    assert body["error"]["code"] == "unavailable"


def test_unexpected_fault_is_a_generic_500_without_details():
    status, headers, body = call(
        "search-basic", FakeStore(error=RuntimeError("secret detail /opt/x.py"))
    )
    assert status == 500
    assert body == {
        "error": {
            "code": "internal_error",
            "message": "something went wrong on our side",
            "field": None,
        }
    }
    assert headers["Cache-Control"] == "no-store"


def test_suggest_with_only_spaces_returns_nothing_without_a_query():
    store = FakeStore()
    status, _, body = call("search-suggest", store, q="   ")
    assert (status, body) == (200, {"suggestions": []})
    assert store.bodies == []


def test_validation_errors_are_400_not_422():
    status, _, body = call("search-basic", FakeStore(), size="x")
    assert status == 400
    assert body["error"]["field"] == "size"


def test_settings_require_a_cursor_secret():
    with pytest.raises(ConfigurationError, match="CURSOR_SECRET"):
        SearchSettings.from_env({"OPENSEARCH_ENDPOINT": "http://x:9200"})


def test_settings_refuse_a_budget_beyond_the_gateway_timeout():
    env = {"OPENSEARCH_ENDPOINT": "http://x:9200", "CURSOR_SECRET": "s" * 32}
    with pytest.raises(ConfigurationError, match="29 s"):
        SearchSettings.from_env({**env, "SEARCH_TIMEOUT_MS": "8000", "OPENSEARCH_MAX_RETRIES": "3"})


def test_settings_parse_cors_origins():
    env = {"OPENSEARCH_ENDPOINT": "http://x:9200", "CURSOR_SECRET": "s" * 32}
    parsed = SearchSettings.from_env({**env, "CORS_ALLOWED_ORIGINS": "https://a.id/, https://b.id"})
    assert parsed.cors_allowed_origins == ("https://a.id", "https://b.id")
    with pytest.raises(ConfigurationError):
        SearchSettings.from_env({**env, "CORS_ALLOWED_ORIGINS": "a.id"})


def test_handler_import_does_not_load_boto3():
    """Cold start: boto3 is only imported where requests are signed (opensearch_client)."""
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    code = (
        "import sys; sys.path.insert(0, sys.argv[1]);"
        "from tests.support.handlers import load_handler_module;"
        "load_handler_module('search'); print('boto3' in sys.modules)"
    )
    result = subprocess.run([sys.executable, "-c", code, str(root)], capture_output=True, text=True)
    assert result.stdout.strip() == "False", result.stderr


def test_handler_import_builds_no_rules_validator():
    """Cold start: the editors' rules model is built on the first document read, not at import
    (a container without rules never builds it)."""
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    code = (
        "import sys; sys.path.insert(0, sys.argv[1]);"
        "from tests.support.handlers import load_handler_module;"
        "load_handler_module('search');"
        "from cariberita.rules.model import RulesDocument;"
        "print(RulesDocument.__pydantic_complete__)"
    )
    result = subprocess.run([sys.executable, "-c", code, str(root)], capture_output=True, text=True)
    assert result.stdout.strip() == "False", result.stderr
