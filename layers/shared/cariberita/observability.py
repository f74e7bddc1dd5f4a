"""Logger, Metrics and Tracer, created once and shared by every module and handler.

The tracer is Powertools' ``Tracer`` only where tracing can happen: ``Tracer`` imports the X-Ray
SDK (and botocore with it, about 0.3 s of a cold start) even when tracing is disabled. Where
Powertools would disable it anyway (``POWERTOOLS_TRACE_DISABLED``, outside Lambda, ``sam local``)
``tracer`` is a no-op with the same decorators, and the X-Ray SDK is never imported. The choice is
made at import, because the decorators are applied at import; Lambda sets the environment before.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from typing import Any, Protocol, TypeVar, cast, overload

import orjson
from aws_lambda_powertools import Logger, Metrics

SERVICE = "cariberita"
F = TypeVar("F", bound=Callable[..., Any])
_TRUE = {"1", "true", "yes", "on", "y", "t"}


class TracerLike(Protocol):
    """The part of Powertools' ``Tracer`` the handlers use: bare or with options."""

    @overload
    def capture_lambda_handler(self, lambda_handler: F) -> F: ...
    @overload
    def capture_lambda_handler(
        self, lambda_handler: None = None, **options: bool | None
    ) -> Callable[[F], F]: ...
    def capture_lambda_handler(self, lambda_handler: Any = None, **options: Any) -> Any: ...

    @overload
    def capture_method(self, method: F) -> F: ...
    @overload
    def capture_method(self, method: None = None, **options: bool | None) -> Callable[[F], F]: ...
    def capture_method(self, method: Any = None, **options: Any) -> Any: ...


class NoTracer:
    """Tracing off: each decorator returns the function unchanged (nothing runs per call)."""

    def capture_lambda_handler(self, lambda_handler: Any = None, **options: Any) -> Any:
        return _unchanged(lambda_handler)

    def capture_method(self, method: Any = None, **options: Any) -> Any:
        return _unchanged(method)

    def put_annotation(self, key: str, value: Any) -> None:
        return None

    def put_metadata(self, key: str, value: Any, namespace: str | None = None) -> None:
        return None


def _unchanged(function: Any) -> Any:
    # Used bare (``@tracer.capture_method``) or with options (``@tracer.capture_method(...)``).
    if function is None:
        return lambda f: f
    return function


def tracing_enabled(env: dict[str, str] | os._Environ[str] = os.environ) -> bool:
    """Powertools' own rule (Tracer._is_tracer_disabled): off when disabled by
    ``POWERTOOLS_TRACE_DISABLED``, outside Lambda (no ``LAMBDA_TASK_ROOT``) and under
    ``sam local`` or Chalice local, where no X-Ray daemon listens."""
    if env.get("POWERTOOLS_TRACE_DISABLED", "false").strip().lower() in _TRUE:
        return False
    if not env.get("LAMBDA_TASK_ROOT"):
        return False
    return not (env.get("AWS_SAM_LOCAL") or env.get("AWS_CHALICE_CLI_MODE"))


def make_tracer(enabled: bool) -> TracerLike:
    if not enabled:
        return cast(TracerLike, NoTracer())
    from aws_lambda_powertools import Tracer  # imports aws_xray_sdk: only when it can trace

    return cast(TracerLike, Tracer(service=SERVICE))


# Where the template names none (local runs, tests); deployed functions get CariBerita/<stage>.
DEFAULT_NAMESPACE = "CariBerita"


def make_metrics(env: Mapping[str, str] = os.environ) -> Metrics:
    """Metrics in the namespace the template gives (``POWERTOOLS_METRICS_NAMESPACE``), which its
    alarms and dashboard read. Powertools prefers an explicit ``namespace`` over the variable,
    so passing a constant here sent every stage's metrics to one namespace no alarm watched."""
    namespace = env.get("POWERTOOLS_METRICS_NAMESPACE", "").strip() or DEFAULT_NAMESPACE
    return Metrics(namespace=namespace, service=SERVICE)


def log_line(record: dict[str, Any]) -> str:
    """A log record as JSON with orjson: what Powertools' default writes (compact, non-ASCII
    kept, ``str`` for unknown types; indented under ``POWERTOOLS_DEV``) at a fraction of
    ``json.dumps``' cost, paid once per search for its analytics line."""
    return orjson.dumps(record, default=str, option=_LOG_OPTIONS).decode()


# Dates and dataclasses go through ``str`` as with json.dumps, not orjson's own formats.
_LOG_OPTIONS = (
    orjson.OPT_NON_STR_KEYS
    | orjson.OPT_PASSTHROUGH_DATETIME
    | orjson.OPT_PASSTHROUGH_DATACLASS
    | (orjson.OPT_INDENT_2 if os.environ.get("POWERTOOLS_DEV", "").strip().lower() in _TRUE else 0)
)
logger = Logger(service=SERVICE, json_serializer=log_line)
metrics = make_metrics()
tracer = make_tracer(tracing_enabled())
