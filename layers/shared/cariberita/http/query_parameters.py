"""Query parameters derived from a request model, so a new field needs no route change.

Each field of the model (and of a nested model, such as the filters) becomes one keyword-only
parameter of the route, typed and bounded by the field's :class:`~cariberita.search.params.Input`.
Powertools documents them in the OpenAPI output and, on most routes, validates them; on
``/search`` a :class:`QueryReader` validates the same parameters in one call. The route hands the
values, by name, to the model's ``from_query``.

Two rules hold at this edge for every route: a number is written canonically (``2``, never
``+2``, `` 2``, ``02`` or ``1_000``, which pydantic alone would accept), and a parameter that is
not repeatable is sent at most once (:func:`repeated`).
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Collection, Mapping
from typing import Annotated, Any, get_args

from aws_lambda_powertools.event_handler.openapi.exceptions import RequestValidationError
from aws_lambda_powertools.event_handler.openapi.params import Query
from aws_lambda_powertools.utilities.data_classes.common import BaseProxyEvent
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, create_model
from pydantic.fields import FieldInfo

from cariberita.search.params import Input

_EMPTY = (None, "", ())
_CANONICAL_NUMBER = re.compile(r"^[1-9][0-9]*$")


def canonical_number(value: Any) -> Any:
    """A ``BeforeValidator`` of an int parameter: refuses any other spelling of a number."""
    if isinstance(value, str) and not _CANONICAL_NUMBER.fullmatch(value):
        raise ValueError(
            "must be a whole number written plainly, like 2 (no sign, space or 0 first)"
        )
    return value


def _input(name: str, field: FieldInfo) -> Input:
    for meta in field.metadata:
        if isinstance(meta, Input):
            return meta
    raise TypeError(f"field {name!r} has no Input: how does a caller send it?")


def _parameter(name: str, field: FieldInfo) -> inspect.Parameter:
    spec = _input(name, field)
    # An empty domain default ("" or ()) is an absent parameter: None at the edge.
    default = None if field.default in _EMPTY else field.default
    raw: Any = spec.type
    if spec.max_items is not None:  # repeatable: the character limit is per item
        (item,) = get_args(spec.type)
        raw = list[Annotated[item, Field(max_length=spec.max_chars)]]  # type: ignore[valid-type]
        bounds = Query(description=spec.description, max_length=spec.max_items)
    elif spec.type is int:
        # The canonical-number check must run on the raw text; Powertools keeps constraints
        # given as annotated_types (OpenAPI minimum/maximum) next to a validator, not Query's.
        raw = Annotated[
            int, Field(ge=spec.minimum, le=spec.maximum), BeforeValidator(canonical_number)
        ]
        bounds = Query(description=spec.description)
    else:
        bounds = Query(
            description=spec.description,
            max_length=spec.max_chars,
            ge=spec.minimum,
            le=spec.maximum,
        )
    annotation = raw | None if default is None else raw
    return inspect.Parameter(
        name,
        inspect.Parameter.KEYWORD_ONLY,
        default=default,
        annotation=Annotated[annotation, bounds],
    )


def parameters(model: type[BaseModel]) -> list[inspect.Parameter]:
    """One query parameter per field, nested models flattened, in declaration order."""
    out: list[inspect.Parameter] = []
    for name, field in model.model_fields.items():
        nested = field.annotation
        if isinstance(nested, type) and issubclass(nested, BaseModel):
            out += parameters(nested)
        else:
            out.append(_parameter(name, field))
    return out


def signature(model: type[BaseModel], returns: Any) -> inspect.Signature:
    """The signature Powertools reads for a route taking ``**query``."""
    return inspect.Signature(parameters(model), return_annotation=returns)


def repeatable(model: type[BaseModel]) -> frozenset[str]:
    """The query parameters of ``model`` that may be given more than once (lists)."""
    names: set[str] = set()
    for name, field in model.model_fields.items():
        nested = field.annotation
        if isinstance(nested, type) and issubclass(nested, BaseModel):
            names |= repeatable(nested)
        elif _input(name, field).max_items is not None:
            names.add(name)
    return frozenset(names)


def repeated(multi: Mapping[str, list[str]] | None, allowed: Collection[str] = ()) -> list[str]:
    """The parameters of a request (``multiValueQueryStringParameters``) given more than once
    that are not in ``allowed``, in request order."""
    return [n for n, values in (multi or {}).items() if len(values) > 1 and n not in allowed]


class QueryReader:
    """The query parameters of ``model`` read from an event and validated in one pydantic call.

    The same parameters as :func:`signature`, with the same limits and messages, checked by one
    model built once per container. Powertools' own validation re-derives the shape of every
    parameter from its annotation on each request: for the twelve of ``/search`` that (with its
    check of a response the service built as a model already) was about 0.3 ms, a sixth of the
    handler's own time (docs/benchmarks.md, section 2). A refusal is Powertools'
    ``RequestValidationError`` with its ``("query", name)`` locations, so the one handler in
    :mod:`cariberita.http.errors` answers it as before.
    """

    def __init__(self, model: type[BaseModel]) -> None:
        params = parameters(model)
        self._repeatable = repeatable(model)
        fields: dict[str, Any] = {p.name: (p.annotation, p.default) for p in params}
        self._model: type[BaseModel] = create_model(
            f"{model.__name__}Query", __config__=ConfigDict(extra="ignore"), **fields
        )

    def read(self, event: BaseProxyEvent) -> dict[str, Any]:
        """The validated parameters by name (absent ones at their default)."""
        # As Powertools reads them: one value is a value, a repeated one stays a list (refused
        # unless repeatable); a comma-split single value is joined again.
        multi = event.multi_value_query_string_parameters or {}
        values: dict[str, Any] = {}
        for name, given in event.resolved_query_string_parameters.items():
            value: Any = given
            if isinstance(given, list) and name not in self._repeatable:
                if len(given) == 1:
                    value = given[0]
                elif name not in multi:
                    value = ",".join(given)
            values[name] = value
        try:
            return dict(self._model.model_validate(values))
        except ValidationError as exc:
            raise RequestValidationError(
                [{**error, "loc": ("query", *error["loc"])} for error in exc.errors()]
            ) from exc
