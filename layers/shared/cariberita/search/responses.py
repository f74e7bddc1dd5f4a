"""HTTP concerns of the search API in one place: error mapping, cache headers, CORS.

Every error becomes ``{"error": {"code", "message", "field"}}`` with ``Cache-Control: no-store``;
nothing from Python, pydantic or OpenSearch is echoed back.
"""

from __future__ import annotations

import json
from typing import Any

from aws_lambda_powertools.event_handler import (
    APIGatewayRestResolver,
    CORSConfig,
    Response,
    content_types,
)
from aws_lambda_powertools.event_handler.exceptions import NotFoundError
from aws_lambda_powertools.event_handler.openapi.exceptions import RequestValidationError
from aws_lambda_powertools.event_handler.openapi.types import OpenAPIResponse

from cariberita.errors import InvalidRequest, NotFound, SearchUnavailable
from cariberita.observability import logger, metrics
from cariberita.search.schemas import ErrorResponse

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


def ok(body: Any, cache: str) -> Response:
    # Vary: Origin because CORS headers differ per origin and a CDN must not mix them up.
    return Response(
        200,
        content_types.APPLICATION_JSON,
        body,
        headers={"Cache-Control": cache, "Vary": "Origin"},
    )


def error(
    status: int,
    code: str,
    message: str,
    field: str | None = None,
    headers: dict[str, str] | None = None,
) -> Response:
    return Response(
        status,
        content_types.APPLICATION_JSON,
        {"error": {"code": code, "message": message, "field": field}},
        headers={"Cache-Control": NO_STORE, "Vary": "Origin", **(headers or {})},
    )


def cors(origins: tuple[str, ...]) -> CORSConfig | None:
    if not origins:
        return None
    return CORSConfig(allow_origin=origins[0], extra_origins=list(origins[1:]), max_age=600)


def _validation_field(exc: RequestValidationError) -> tuple[str | None, str]:
    for err in exc.errors():
        loc = [str(p) for p in err.get("loc", ())]
        field = loc[-1] if loc else None
        if field and field.isdigit() and len(loc) > 1:
            field = loc[-2]  # an item of a repeated parameter
        message = str(err.get("msg", "invalid value")).removeprefix("Value error, ")
        return field, f"{field}: {message}" if field else "invalid request"
    return None, "invalid request"


def register_error_handlers(app: APIGatewayRestResolver) -> None:
    """Map domain errors, request validation errors, unknown routes and faults to JSON."""

    @app.exception_handler(InvalidRequest)
    def _invalid(exc: InvalidRequest) -> Response:
        return error(400, exc.code, exc.message, exc.field)

    @app.exception_handler(RequestValidationError)
    def _validation(exc: RequestValidationError) -> Response:
        field, message = _validation_field(exc)
        return error(400, "invalid_parameter", message, field)

    @app.exception_handler(NotFound)
    def _not_found(exc: NotFound) -> Response:
        return error(404, "not_found", "no article with this id")

    @app.not_found
    def _no_route(exc: NotFoundError) -> Response:
        return error(404, "no_route", "no such endpoint")

    @app.exception_handler(SearchUnavailable)
    def _unavailable(exc: SearchUnavailable) -> Response:
        metrics.add_metric(name="SearchUnavailable", unit="Count", value=1)
        return error(
            503,
            "unavailable",
            "search is temporarily unavailable; try again shortly",
            headers={"Retry-After": str(RETRY_AFTER_S)},
        )

    @app.exception_handler(Exception)
    def _fault(exc: Exception) -> Response:
        logger.exception("unexpected error")
        return error(500, "internal_error", "something went wrong on our side")


def misconfigured() -> dict[str, Any]:
    """The proxy response when settings are invalid (before any routing happens)."""
    body = json.dumps(
        {
            "error": {
                "code": "internal_error",
                "message": "something went wrong on our side",
                "field": None,
            }
        }
    )
    return {
        "statusCode": 500,
        "headers": {"Content-Type": content_types.APPLICATION_JSON, "Cache-Control": NO_STORE},
        "body": body,
        "isBase64Encoded": False,
    }
