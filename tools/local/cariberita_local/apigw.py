"""Translate between HTTP and API Gateway REST API (v1) Lambda proxy events.

The local counterpart of what API Gateway does in front of the search function: match the
request path against the API's resources (``/articles/{id}``), build the proxy event with
single- and multi-value headers and query parameters (URL-decoded, as API Gateway passes them),
and turn the handler's result back into a status, headers and a body.
"""

from __future__ import annotations

import base64
import json
import re
import time
import uuid
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

STAGE = "Prod"
# API Gateway's answer when the integration fails or returns something it cannot use.
INTEGRATION_FAILURE = (
    502,
    {"Content-Type": "application/json"},
    b'{"message": "Internal server error"}',
)


@dataclass(frozen=True)
class Resource:
    """An API resource (``/articles/{id}``, ``/{proxy+}``) and its methods (empty: any)."""

    template: str
    methods: frozenset[str] = frozenset()

    def allows(self, method: str) -> bool:
        return not self.methods or method.upper() in self.methods

    @property
    def pattern(self) -> re.Pattern[str]:
        parts = []
        for segment in self.template.strip("/").split("/"):
            match = re.fullmatch(r"\{(\w+)(\+?)\}", segment)
            if match and match.group(2):
                parts.append(f"(?P<{match.group(1)}>.+)")
            elif match:
                parts.append(f"(?P<{match.group(1)}>[^/]+)")
            else:
                parts.append(re.escape(segment))
        return re.compile("/" + "/".join(parts) if parts != [""] else "/")

    def match(self, path: str) -> dict[str, str] | None:
        found = self.pattern.fullmatch(path)
        return None if found is None else found.groupdict()


def match_resource(
    resources: list[Resource], path: str, method: str = "GET"
) -> tuple[Resource, dict[str, str]] | None:
    """The resource with a method for this request (literal templates win over parameters).

    None is API Gateway's 403 "Missing Authentication Token": no such resource or method.
    """
    ordered = sorted(resources, key=lambda r: ("+}" in r.template, r.template.count("{")))
    for resource in ordered:
        if not resource.allows(method):
            continue
        params = resource.match(path)
        if params is not None:
            return resource, params
    return None


def build_event(
    method: str,
    raw_path: str,
    headers: list[tuple[str, str]],
    body: bytes,
    resource: Resource,
    path_params: dict[str, str],
    source_ip: str = "127.0.0.1",
) -> dict[str, Any]:
    """The REST API proxy event API Gateway would send for this request."""
    split = urlsplit(raw_path)
    path = unquote(split.path)
    multi_headers: dict[str, list[str]] = {}
    for name, value in headers:
        multi_headers.setdefault(name, []).append(value)
    multi_query: dict[str, list[str]] = {}
    for name, value in parse_qsl(split.query, keep_blank_values=True):
        multi_query.setdefault(name, []).append(value)
    text_body, is_b64 = _body(body, multi_headers)
    now = time.time()
    return {
        "resource": resource.template,
        "path": path,
        "httpMethod": method,
        "headers": {k: v[-1] for k, v in multi_headers.items()} or None,
        "multiValueHeaders": multi_headers or None,
        "queryStringParameters": {k: v[-1] for k, v in multi_query.items()} or None,
        "multiValueQueryStringParameters": multi_query or None,
        "pathParameters": {k: unquote(v) for k, v in path_params.items()} or None,
        "stageVariables": None,
        "requestContext": {
            "accountId": "000000000000",
            "apiId": "local",
            "resourceId": "local",
            "resourcePath": resource.template,
            "httpMethod": method,
            "path": f"/{STAGE}{path}",
            "stage": STAGE,
            "protocol": "HTTP/1.1",
            "domainName": _header(multi_headers, "host") or "localhost",
            "requestId": str(uuid.uuid4()),
            "extendedRequestId": str(uuid.uuid4()),
            "requestTime": time.strftime("%d/%b/%Y:%H:%M:%S +0000", time.gmtime(now)),
            "requestTimeEpoch": int(now * 1000),
            "identity": {"sourceIp": source_ip, "userAgent": _header(multi_headers, "user-agent")},
        },
        "body": text_body,
        "isBase64Encoded": is_b64,
    }


def _header(headers: dict[str, list[str]], name: str) -> str | None:
    for key, values in headers.items():
        if key.lower() == name:
            return values[-1]
    return None


def _body(body: bytes, headers: dict[str, list[str]]) -> tuple[str | None, bool]:
    if not body:
        return None, False
    try:
        return body.decode("utf-8"), False
    except UnicodeDecodeError:
        return base64.b64encode(body).decode("ascii"), True


def to_http(result: Any) -> tuple[int, dict[str, list[str]], bytes]:
    """Status, headers and body from a handler's proxy result; 502 if it is malformed.

    API Gateway rejects a result without an integer ``statusCode`` or with a non-string body.
    """
    if not isinstance(result, dict) or not isinstance(result.get("statusCode"), int):
        return _failure()
    body = result.get("body")
    if body is None:
        raw = b""
    elif not isinstance(body, str):
        return _failure()
    elif result.get("isBase64Encoded"):
        raw = base64.b64decode(body)
    else:
        raw = body.encode("utf-8")
    headers: dict[str, list[str]] = {}
    for name, value in (result.get("headers") or {}).items():
        headers[name] = [str(value)]
    for name, values in (result.get("multiValueHeaders") or {}).items():
        headers[name] = [str(v) for v in values]
    if not any(k.lower() == "content-type" for k in headers):
        headers["Content-Type"] = ["application/json"]
    return result["statusCode"], headers, raw


def _failure() -> tuple[int, dict[str, list[str]], bytes]:
    status, headers, body = INTEGRATION_FAILURE
    return status, {k: [v] for k, v in headers.items()}, body


def error_body(message: str) -> bytes:
    return json.dumps({"message": message}).encode()
