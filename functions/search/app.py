"""Search API (API Gateway REST proxy): /search, /suggest, /articles/{id}, /categories, /health.

Thin: Powertools validates the typed parameters; cariberita.search does the work; errors are
mapped once in cariberita.search.responses. The resolver is built per CORS configuration (read
from the validated settings at handler entry) and then reused by later invocations.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Annotated, Any

from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response
from aws_lambda_powertools.event_handler.openapi.params import Path, Query
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext
from cariberita.errors import ConfigurationError
from cariberita.observability import logger, metrics, tracer
from cariberita.opensearch_client import get_client
from cariberita.search import params as p
from cariberita.search import responses, schemas, service
from cariberita.search.settings import SearchSettings
from cariberita.search.store import OpenSearchStore, SearchStore
from pydantic import Field

Text = Annotated[
    str | None, Query(max_length=p.MAX_QUERY_CHARS, description="Free text; empty: latest articles")
]
Filter = Annotated[str | None, Query(max_length=p.MAX_FILTER_CHARS)]
Day = Annotated[p.IsoDay | None, Query(description="Inclusive, yyyy-MM-dd in WIB")]


@lru_cache(maxsize=4)
def create_app(cors_origins: tuple[str, ...] = ()) -> APIGatewayRestResolver:
    """The resolver with every route; ``get_openapi_schema()`` of it is api/openapi.json."""
    app = APIGatewayRestResolver(enable_validation=True, cors=responses.cors(cors_origins))
    responses.register_error_handlers(app)

    def store() -> SearchStore:
        return app.context["store"]

    def budget() -> int:
        return app.context["settings"].search_timeout_ms

    @app.get(
        "/search",
        summary="Ranked Indonesian news search",
        responses=responses.documented("Ranked results with facets", 400, 503),
    )
    def search(
        q: Text = None,
        category: Annotated[
            list[Annotated[str, Field(max_length=p.MAX_FILTER_CHARS)]] | None,
            Query(
                max_length=p.MAX_CATEGORIES,
                description="Repeatable; any level of the category path, case-insensitive",
            ),
        ] = None,
        date_from: Day = None,
        date_to: Day = None,
        author: Filter = None,
        tag: Filter = None,
        sort: Annotated[p.Sort, Query()] = "relevance",
        page: Annotated[int, Query(ge=1, le=p.MAX_PAGE)] = 1,
        size: Annotated[int, Query(ge=1, le=p.MAX_SIZE)] = p.DEFAULT_SIZE,
        cursor: Annotated[
            str | None, Query(max_length=p.MAX_CURSOR_CHARS, description="next_cursor")
        ] = None,
    ) -> Response[schemas.SearchResponse]:
        request = p.SearchParams.from_query(
            q=q,
            category=category,
            date_from=date_from,
            date_to=date_to,
            author=author,
            tag=tag,
            sort=sort,
            page=page,
            size=size,
            cursor=cursor,
        )
        secret = app.context["settings"].cursor_secret.get_secret_value()
        return responses.ok(
            service.search(store(), request, secret, budget()), responses.CACHE_SEARCH
        )

    @app.get(
        "/suggest",
        summary="Title suggestions as the reader types",
        responses=responses.documented("A few matching titles", 400, 503),
    )
    def suggest(
        q: Annotated[str, Query(min_length=1, max_length=p.MAX_SUGGEST_CHARS)],
    ) -> Response[schemas.SuggestResponse]:
        return responses.ok(service.suggestions(store(), q, budget()), responses.CACHE_SUGGEST)

    @app.get(
        "/articles/<article_id>",
        summary="One article",
        responses=responses.documented("The article", 400, 404, 503),
    )
    def article(
        article_id: Annotated[str, Path(min_length=1, max_length=200)],
    ) -> Response[schemas.Article]:
        return responses.ok(service.article(store(), article_id), responses.CACHE_ARTICLE)

    @app.get(
        "/categories",
        summary="All categories with article counts",
        responses=responses.documented("Every category value with its count", 503),
    )
    def categories() -> Response[schemas.CategoriesResponse]:
        return responses.ok(service.categories(store()), responses.CACHE_CATEGORIES)

    @app.get(
        "/health",
        summary="Whether the index can be read",
        responses=responses.documented("The index answers", 503),
    )
    def health() -> Response[schemas.HealthResponse]:
        return responses.ok(service.health(store()), responses.NO_STORE)

    return app


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST)
@metrics.log_metrics
# Responses stay out of X-Ray: result pages are large and would be truncated there anyway.
@tracer.capture_lambda_handler(capture_response=False)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    try:
        settings = SearchSettings.from_env()
    except ConfigurationError:
        logger.exception("search function misconfigured")
        return responses.misconfigured()
    return handle(event, context, settings)


def handle(
    event: dict[str, Any],
    context: LambdaContext,
    settings: SearchSettings,
    store: SearchStore | None = None,
) -> dict[str, Any]:
    """Route one API Gateway event; ``store`` lets unit tests pass an in-memory fake."""
    app = create_app(settings.cors_allowed_origins)
    if store is None:
        store = OpenSearchStore(
            get_client(settings), settings.articles_index, settings.search_timeout_ms
        )
    app.append_context(settings=settings, store=store)
    return app.resolve(event, context)
