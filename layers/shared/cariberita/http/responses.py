"""HTTP responses of the search API: success and error bodies, cache headers, CORS.

Every error is ``{"error": {"code", "message", "field"}}`` with ``Cache-Control: no-store``;
nothing from Python, pydantic or OpenSearch is echoed back.
"""

from __future__ import annotations

import json
from typing import Any

import orjson
from aws_lambda_powertools.event_handler import CORSConfig, Response, content_types
from aws_lambda_powertools.event_handler.openapi.types import OpenAPIResponse
from aws_lambda_powertools.shared.json_encoder import Encoder
from pydantic import BaseModel, ConfigDict

RETRY_AFTER_S = 5
CACHE_SEARCH = "public, max-age=60"
CACHE_SUGGEST = "public, max-age=30"
CACHE_ARTICLE = "public, max-age=300"
CACHE_CATEGORIES = "public, max-age=300"
NO_STORE = "no-store"
_ERROR_DESCRIPTIONS = {
    400: "Invalid parameter (the error names it in `field`)",
    404: "No article with this id",
    503: "Search unavailable; retry after `Retry-After` seconds",
}


class ErrorDetail(BaseModel):
    # Built on the first error a container answers, not at every cold start.
    model_config = ConfigDict(defer_build=True)

    code: str
    message: str
    field: str | None


class ErrorResponse(BaseModel):
    model_config = ConfigDict(defer_build=True)

    error: ErrorDetail


_FALLBACK = Encoder()


def dumps(body: Any) -> str:
    """The resolver's JSON serializer: a response model writes itself (pydantic's serializer,
    straight to JSON); anything else goes through orjson (a result page is serialized in a
    fraction of the time ``json.dumps`` takes), with Powertools' encoder for the types orjson
    does not know."""
    if isinstance(body, BaseModel):  # a route whose model Powertools does not serialize
        return body.model_dump_json()
    return orjson.dumps(body, default=_FALLBACK.default, option=orjson.OPT_NON_STR_KEYS).decode()


def documented(ok: str, *errors: int) -> dict[int, OpenAPIResponse]:
    """OpenAPI responses of a route: 200 (schema from the return type) and these errors.

    Fresh dicts every call: Powertools fills the schemas in place.
    """
    out: dict[int, OpenAPIResponse] = {200: {"description": ok}}
    for status in errors:
        out[status] = {
            "description": _ERROR_DESCRIPTIONS[status],
            "content": {"application/json": {"model": ErrorResponse}},
        }
    return out


def ok(body: BaseModel, cache: str) -> Response[Any]:
    # Vary: Origin because CORS headers differ per origin and a CDN must not mix them up.
    return Response(
        200,
        content_types.APPLICATION_JSON,
        body,
        headers={"Cache-Control": cache, "Vary": "Origin"},
    )


def _error_body(code: str, message: str, field: str | None) -> dict[str, Any]:
    return ErrorResponse(error=ErrorDetail(code=code, message=message, field=field)).model_dump()


def error(
    status: int,
    code: str,
    message: str,
    field: str | None = None,
    headers: dict[str, str] | None = None,
) -> Response[Any]:
    return Response(
        status,
        content_types.APPLICATION_JSON,
        _error_body(code, message, field),
        headers={"Cache-Control": NO_STORE, "Vary": "Origin", **(headers or {})},
    )


def cors(origins: tuple[str, ...]) -> CORSConfig | None:
    if not origins:
        return None
    return CORSConfig(allow_origin=origins[0], extra_origins=list(origins[1:]), max_age=600)


def misconfigured() -> dict[str, Any]:
    """The proxy response when settings are invalid (before any routing happens)."""
    return {
        "statusCode": 500,
        "headers": {"Content-Type": content_types.APPLICATION_JSON, "Cache-Control": NO_STORE},
        "body": json.dumps(_error_body("internal_error", "something went wrong on our side", None)),
        "isBase64Encoded": False,
    }
