"""Domain errors, request validation errors, unknown routes and faults mapped to HTTP, once."""

from __future__ import annotations

import html
from collections.abc import Callable, Collection
from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response
from aws_lambda_powertools.event_handler.exceptions import NotFoundError
from aws_lambda_powertools.event_handler.openapi.exceptions import (
    RequestValidationError,
    ResponseValidationError,
)
from aws_lambda_powertools.metrics import MetricUnit

from cariberita.errors import InvalidRequest, NotFound, SearchUnavailable
from cariberita.http.query_parameters import repeated
from cariberita.http.responses import RETRY_AFTER_S, error
from cariberita.observability import logger, metrics


def _field(err: Any) -> str | None:
    """The parameter an error of pydantic/Powertools is about (its ``loc``)."""
    loc = [str(p) for p in err.get("loc", ())]
    field = loc[-1] if loc else None
    if field and field.isdigit() and len(loc) > 1:
        field = loc[-2]  # an item of a repeated parameter
    return field


def _validation_field(exc: RequestValidationError) -> tuple[str | None, str]:
    for err in exc.errors():
        field = _field(err)
        message = str(err.get("msg", "invalid value")).removeprefix("Value error, ")
        return field, f"{field}: {message}" if field else "invalid request"
    return None, "invalid request"


def _refused(message: str, field: str | None) -> Response[object]:
    # Every string in a response is HTML-escaped, and these echo a name from the request (a
    # known parameter's today, but the answer must not depend on that).
    name = html.escape(field) if field else None
    return error(400, "invalid_parameter", html.escape(message), name)


def _invalid(exc: InvalidRequest) -> Response[object]:
    return error(400, exc.code, exc.message, exc.field)


def _is_response_error(exc: RequestValidationError) -> bool:
    # Powertools reports a response that fails its own model as a *request* validation error
    # (loc starts with "response"): our fault, never the caller's.
    return any(tuple(err.get("loc", ()))[:1] == ("response",) for err in exc.errors())


def _validation(
    app: APIGatewayRestResolver, repeatable: Collection[str]
) -> Callable[[RequestValidationError], Response[object]]:
    def handle(exc: RequestValidationError) -> Response[object]:
        if _is_response_error(exc):
            return _fault(exc)
        # A single-valued parameter sent twice reaches validation as a list: say what happened.
        # Only a name the error is about: any other repeated name is one the route does not
        # read (ignored, like any unknown parameter), and blaming it would hide the real fault.
        at_fault = {_field(err) for err in exc.errors()}
        multi = app.current_event.multi_value_query_string_parameters
        twice = [name for name in repeated(multi, repeatable) if name in at_fault]
        if twice:
            name = twice[0]
            message = f"{name}: given more than once; send it once"
            return _refused(message, name)
        field, message = _validation_field(exc)
        return _refused(message, field)

    return handle


def _not_found(exc: NotFound) -> Response[object]:
    return error(404, "not_found", "no article with this id")


def _no_route(exc: NotFoundError) -> Response[object]:
    return error(404, "no_route", "no such endpoint")


def _unavailable(exc: SearchUnavailable) -> Response[object]:
    metrics.add_metric(name="SearchUnavailable", unit=MetricUnit.Count, value=1)
    return error(
        503,
        "unavailable",
        "search is temporarily unavailable; try again shortly",
        headers={"Retry-After": str(RETRY_AFTER_S)},
    )


def _fault(exc: Exception) -> Response[object]:
    logger.exception("unexpected error")
    return error(500, "internal_error", "something went wrong on our side")


def register(app: APIGatewayRestResolver, repeatable: Collection[str] = ()) -> None:
    """Give ``app`` one handler per error; only real faults are logged as exceptions.

    ``repeatable`` names the query parameters that may be given more than once; any other one
    given twice is a 400 naming it. A response that fails its model, like any unexpected
    exception, is a 500 ``internal_error``: never a 400 that blames the caller.
    """
    app.exception_handler(InvalidRequest)(_invalid)
    app.exception_handler(RequestValidationError)(_validation(app, repeatable))
    app.exception_handler(ResponseValidationError)(_fault)
    app.exception_handler(NotFound)(_not_found)
    app.not_found(_no_route)
    app.exception_handler(SearchUnavailable)(_unavailable)
    app.exception_handler(Exception)(_fault)
