"""Invoke the search handler in-process with API Gateway events from events/."""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass
from typing import Any

from tests.support.events import load_event
from tests.support.handlers import LambdaContext as FakeLambdaContext
from tests.support.handlers import load_handler_module

ORIGIN = "https://www.cariberita.id"
SECRET = "uji-rahasia-kursor-0123456789abcdef"  # secrets-scan: allow (test-only key)


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    body: Any


def with_query(event: dict[str, Any], **params: Any) -> dict[str, Any]:
    """``event`` with these query parameters (lists repeat one; None or [] removes it)."""
    event = copy.deepcopy(event)
    multi = dict(event.get("multiValueQueryStringParameters") or {})
    for name, value in params.items():
        if value is None or value == []:
            multi.pop(name, None)
        else:
            multi[name] = [str(v) for v in value] if isinstance(value, list) else [str(value)]
    event["multiValueQueryStringParameters"] = multi or None
    event["queryStringParameters"] = {k: v[-1] for k, v in multi.items()} or None
    return event


def invoke(event: dict[str, Any] | str, **params: Any) -> Reply:
    """Run the real handler; ``event`` is an events/ file name (without .json) or an event."""
    if isinstance(event, str):
        event = load_event(f"{event}.json")
    if params:
        event = with_query(event, **params)
    response = load_handler_module("search").lambda_handler(event, FakeLambdaContext())
    headers = {k: v[-1] for k, v in (response.get("multiValueHeaders") or {}).items()}
    headers.update(response.get("headers") or {})
    body = json.loads(response["body"]) if response.get("body") else None
    return Reply(response["statusCode"], headers, body)


def search(**params: Any) -> Reply:
    return invoke(with_query(load_event("search-empty-query.json"), **params))


def suggest_titles(q: str) -> list[str]:
    """The titles ``/suggest`` lists for ``q``, in order (a 200 is asserted)."""
    reply = invoke("search-suggest", q=q)
    assert reply.status == 200, reply.body
    return [s["title"] for s in reply.body["suggestions"]]


def env(endpoint: str, index: str, **extra: str) -> dict[str, str]:
    return {
        "OPENSEARCH_ENDPOINT": endpoint,
        "ARTICLES_INDEX": index,
        "CURSOR_SECRET": SECRET,
        "CORS_ALLOWED_ORIGINS": f"{ORIGIN},https://cariberita.id",
        "OPENSEARCH_MAX_RETRIES": "1",
        **extra,
    }
