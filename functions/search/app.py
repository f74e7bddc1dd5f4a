"""Search API (API Gateway REST proxy): /search, /suggest, /articles/{id}, /categories, /health.

Thin: settings are validated at entry; the routes (cariberita.http.search_api) are built once per
container and settings, over the dependencies in one ``Deps``.

SnapStart (template parameter ``SearchSnapStart``): the snapshot holds the imported modules; after
a restore :func:`after_restore` drops the cached client and routes, so the first request builds a
client with fresh connections and, where it signs, fresh credentials (a snapshot's would be
stale and shared by every restored copy).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayRestResolver
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext
from cariberita.errors import ConfigurationError
from cariberita.http.responses import misconfigured
from cariberita.http.search_api import Deps, build_app
from cariberita.observability import logger, metrics, tracer
from cariberita.opensearch_client import get_client
from cariberita.search.settings import SearchSettings


def register_after_restore(hook: Callable[[], None]) -> Callable[[], None]:
    """Run ``hook`` after a SnapStart restore; the Lambda Python 3.12+ runtime provides
    ``snapshot_restore_py``, locally it is absent and restores never happen."""
    try:
        from snapshot_restore_py import register_after_restore as register
    except ImportError:
        return hook
    register(hook)
    return hook


@lru_cache(maxsize=4)
def container_app(settings: SearchSettings) -> APIGatewayRestResolver:
    """The resolver for these settings, built on first use and reused by later invocations."""
    return build_app(Deps.from_settings(settings))


@register_after_restore
def after_restore() -> None:
    """SnapStart: forget the client and the routes over it; the next request rebuilds both."""
    get_client.cache_clear()
    container_app.cache_clear()


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST)
@metrics.log_metrics
# Responses stay out of X-Ray: result pages are large and would be truncated there anyway.
@tracer.capture_lambda_handler(capture_response=False)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    try:
        settings = SearchSettings.from_env()
    except ConfigurationError:
        logger.exception("search function misconfigured")
        return misconfigured()
    return container_app(settings).resolve(event, context)


def handle(event: dict[str, Any], context: LambdaContext, deps: Deps) -> dict[str, Any]:
    """Route one API Gateway event over ``deps`` (unit tests pass a fake store)."""
    return build_app(deps).resolve(event, context)
