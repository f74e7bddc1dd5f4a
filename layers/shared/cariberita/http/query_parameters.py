"""Query parameters derived from a request model, so a new field needs no route change.

Each field of the model (and of a nested model, such as the filters) becomes one keyword-only
parameter of the route, typed and bounded by the field's :class:`~cariberita.search.params.Input`.
Powertools validates them and documents them in the OpenAPI output; the route hands the values,
by name, to the model's ``from_query``.

Two rules hold at this edge for every route: a number is written canonically (``2``, never
``+2``, `` 2``, ``02`` or ``1_000``, which pydantic alone would accept), and a parameter that is
not repeatable is sent at most once (:func:`repeated`).
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Collection, Mapping
from typing import Annotated, Any, get_args

from aws_lambda_powertools.event_handler.openapi.params import Query
from pydantic import BaseModel, BeforeValidator, Field
from pydantic.fields import FieldInfo

from cariberita.search.params import Input

_EMPTY = (None, "", ())
_CANONICAL_NUMBER = re.compile(r"^[1-9][0-9]*$")


def _canonical_number(value: Any) -> Any:
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
            int, Field(ge=spec.minimum, le=spec.maximum), BeforeValidator(_canonical_number)
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
