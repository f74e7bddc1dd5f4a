"""The search API's routes over explicit dependencies.

``build_app(deps)`` gives a resolver whose routes call :mod:`cariberita.search.service` with the
store and settings in ``deps``; ``functions/search/app.py`` builds one per container.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Annotated, Any

from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response
from aws_lambda_powertools.event_handler.openapi.params import Path, Query
from pydantic import BeforeValidator, Field

from cariberita.articles.ids import ID_PATTERN, MAX_ID_CHARS
from cariberita.http import errors, messages, query_parameters, responses
from cariberita.opensearch_client import get_client
from cariberita.rules.cache import RulesCache
from cariberita.rules.compiled import NO_RULES, Rules
from cariberita.rules.opensearch_store import OpenSearchRulesStore
from cariberita.search import related, service
from cariberita.search.params import (
    MAX_RAW_SUGGEST_CHARS,
    MAX_SUGGEST_CHARS,
    MAX_SUGGEST_WORDS,
    SearchParams,
)
from cariberita.search.schemas import (
    Article,
    CategoriesResponse,
    HealthResponse,
    RelatedResponse,
    SearchResponse,
    SuggestResponse,
)
from cariberita.search.settings import SearchSettings
from cariberita.search.store import OpenSearchStore, SearchStore

# The id contract (articles/ids.py) in the OpenAPI document, so a client can tell a malformed id
# (400) from an unknown one (404) before asking; the service checks it again (domain rule).
ArticleId = Annotated[
    str,
    Path(min_length=1, max_length=MAX_ID_CHARS, pattern=ID_PATTERN, description="An article id"),
]


@dataclass(frozen=True)
class Deps:
    """What the routes need; production builds it from settings, unit tests pass a fake store."""

    settings: SearchSettings
    store: SearchStore
    # The editors' rules in force (cariberita.rules.cache: one read per 30 s per container).
    rules: Callable[[], Rules] = lambda: NO_RULES

    @classmethod
    def from_settings(cls, settings: SearchSettings) -> Deps:
        client = get_client(settings)
        store = OpenSearchStore(client, settings.articles_index, settings.search_timeout_ms)
        rules_store = OpenSearchRulesStore(client, settings.articles_index)
        rules = RulesCache(rules_store, ttl_s=settings.rules_ttl_s, weights=rules_store)
        return cls(settings, store, rules.get)

    @property
    def budget_ms(self) -> int:
        return self.settings.search_timeout_ms


class _Resolver(APIGatewayRestResolver):
    """Error messages in the reader's language (http/messages.py); codes stay the same."""

    def resolve(self, event: Mapping[str, Any], context: Any) -> dict[str, Any]:
        response = super().resolve(event, context)
        headers = event.get("headers")
        return messages.localise(response, headers if isinstance(headers, dict) else None)


def build_app(deps: Deps) -> APIGatewayRestResolver:
    """The resolver with every route; :func:`cariberita.http.openapi.render` of it is
    api/openapi.json."""
    app = _Resolver(
        enable_validation=True,
        cors=responses.cors(deps.settings.cors_allowed_origins),
        serializer=responses.dumps,
    )
    errors.register(app, repeatable=query_parameters.repeatable(SearchParams))

    # /search validates its query once, in one call (QueryReader); the signature below only
    # documents the parameters.
    reader = query_parameters.QueryReader(SearchParams)

    def search(**documented: Any) -> Response[SearchResponse]:
        params = SearchParams.from_query(**reader.read(app.current_event))
        return responses.ok(
            service.search(
                deps.store, params, deps.settings.cursor_key(), deps.budget_ms, deps.rules()
            ),
            responses.CACHE_SEARCH,
        )

    # Every field of SearchParams (filters included) is a query parameter of /search.
    search.__signature__ = query_parameters.signature(  # type: ignore[attr-defined]
        SearchParams, Response[SearchResponse]
    )
    app.get(
        "/search",
        summary="Ranked Indonesian news search",
        enable_validation=False,
        responses=responses.documented("Ranked results with facets", 400, 503),
    )(search)

    @app.get(
        "/suggest",
        summary="Title suggestions as the reader types",
        responses=responses.documented("A few matching titles, one per story", 400, 503),
    )
    def suggest(
        # The limits hold after NFKC (params.suggest_text); the raw cap only bounds that work.
        q: Annotated[
            str,
            Query(
                min_length=1,
                max_length=MAX_RAW_SUGGEST_CHARS,
                description=f"At most {MAX_SUGGEST_CHARS} characters and {MAX_SUGGEST_WORDS} "
                f"words after NFKC normalisation ({MAX_RAW_SUGGEST_CHARS} as sent)",
            ),
        ],
    ) -> Response[SuggestResponse]:
        return responses.ok(
            service.suggestions(deps.store, q, deps.budget_ms, deps.rules()),
            responses.CACHE_SUGGEST,
        )

    @app.get(
        "/articles/<article_id>",
        summary="One article",
        responses=responses.documented("The article", 400, 404, 503),
    )
    def article(
        article_id: ArticleId,
    ) -> Response[Article]:
        return responses.ok(service.article(deps.store, article_id), responses.CACHE_ARTICLE)

    @app.get(
        "/articles/<article_id>/related",
        summary='Related articles ("Baca Juga"), never the article or a copy of it',
        responses=responses.documented("Articles like this one, best first", 400, 404, 503),
    )
    def related_articles(
        article_id: ArticleId,
        # Canonical digits as on every route (query_parameters.py); the bounds as annotated
        # types, which Powertools keeps (and documents) beside a validator, unlike Query's.
        size: Annotated[
            int,
            Field(ge=1, le=related.MAX_SIZE),
            BeforeValidator(query_parameters.canonical_number),
            Query(description="How many (1-20), digits only (5, not +5, 05 or 5.0)"),
        ] = related.DEFAULT_SIZE,
    ) -> Response[RelatedResponse]:
        return responses.ok(
            service.related_articles(deps.store, article_id, size, deps.budget_ms),
            responses.CACHE_ARTICLE,
        )

    @app.get(
        "/categories",
        summary="All categories with article counts",
        responses=responses.documented("Every category value with its count", 503),
    )
    def categories() -> Response[CategoriesResponse]:
        return responses.ok(
            service.categories(deps.store, deps.rules()), responses.CACHE_CATEGORIES
        )

    @app.get(
        "/health",
        summary="Whether the index can be read",
        responses=responses.documented("The index answers", 503),
    )
    def health() -> Response[HealthResponse]:
        return responses.ok(service.health(deps.store), responses.NO_STORE)

    return app
