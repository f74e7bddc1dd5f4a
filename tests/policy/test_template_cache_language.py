"""The API cache keeps error messages per language: every GET route keys on Accept-Language."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support.sam_template import transformed

ACCEPT_LANGUAGE = "method.request.header.Accept-Language"


@pytest.fixture(scope="module")
def paths() -> dict[str, Any]:
    return transformed()["Resources"]["SearchApi"]["Properties"]["Body"]["paths"]


def test_every_get_route_keys_the_cache_on_accept_language(paths):
    # 400/404/503 messages are Indonesian or English by Accept-Language (http/messages.py):
    # an answer cached for an English reader must not be served to an Indonesian one.
    gets = {route: methods["get"] for route, methods in paths.items() if "get" in methods}
    assert {"/search", "/suggest", "/articles/{article_id}/related"} <= set(gets)
    for route, spec in gets.items():
        integration = spec["x-amazon-apigateway-integration"]
        assert ACCEPT_LANGUAGE in integration.get("cacheKeyParameters", []), route
        declared = {p["name"] for p in spec.get("parameters", []) if p.get("in") == "header"}
        assert "Accept-Language" in declared, route


def test_preflights_do_not_split_the_cache_by_language(paths):
    # A preflight answer (204, CORS headers only) has no message to translate.
    for route, methods in paths.items():
        keys = methods["options"]["x-amazon-apigateway-integration"].get("cacheKeyParameters", [])
        assert ACCEPT_LANGUAGE not in keys, route
