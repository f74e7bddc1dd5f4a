"""Domain errors, request validation errors, unknown routes and faults mapped to HTTP, once."""

from __future__ import annotations

from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response
from aws_lambda_powertools.event_handler.exceptions import NotFoundError
from aws_lambda_powertools.event_handler.openapi.exceptions import RequestValidationError
from aws_lambda_powertools.metrics import MetricUnit

from cariberita.errors import InvalidRequest, NotFound, SearchUnavailable
from cariberita.http.responses import RETRY_AFTER_S, error
from cariberita.observability import logger, metrics


def _validation_field(exc: RequestValidationError) -> tuple[str | None, str]:
    for err in exc.errors():
        loc = [str(p) for p in err.get("loc", ())]
        field = loc[-1] if loc else None
        if field and field.isdigit() and len(loc) > 1:
            field = loc[-2]  # an item of a repeated parameter
        message = str(err.get("msg", "invalid value")).removeprefix("Value error, ")
        return field, f"{field}: {message}" if field else "invalid request"
    return None, "invalid request"


def _invalid(exc: InvalidRequest) -> Response[object]:
    return error(400, exc.code, exc.message, exc.field)


def _validation(exc: RequestValidationError) -> Response[object]:
    field, message = _validation_field(exc)
    return error(400, "invalid_parameter", message, field)


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


def register(app: APIGatewayRestResolver) -> None:
    """Give ``app`` one handler per error; only real faults are logged as exceptions."""
    app.exception_handler(InvalidRequest)(_invalid)
    app.exception_handler(RequestValidationError)(_validation)
    app.exception_handler(NotFound)(_not_found)
    app.not_found(_no_route)
    app.exception_handler(SearchUnavailable)(_unavailable)
    app.exception_handler(Exception)(_fault)
