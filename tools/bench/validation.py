"""What reading and validating ``/search``'s query costs per request, in process (no OpenSearch).

Three resolvers' routes over the same derived parameters of ``SearchParams``, on the query mix:
routing alone (no validation, for reference), the one-call ``QueryReader`` the route uses, and
Powertools' own validation (``enable_validation``), which re-derives each parameter's shape from
its annotation on every request. Each answers an empty 200, so only the edge is timed.
"""

from __future__ import annotations

import time
from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response
from cariberita_local.lambda_runtime import api_gateway_event

from bench.events import bench_context
from bench.queries import QUERY_MIX
from bench.results import Table
from bench.stats import summarise

ROUTES = {
    "/routing": "routing only (no validation)",
    "/reader": "QueryReader (one pydantic call; what /search uses)",
    "/powertools": "Powertools validation (enable_validation, per parameter)",
}


def resolver() -> APIGatewayRestResolver:
    # Imported here, not at the top: cariberita's Logger binds sys.stdout when it is first
    # imported, and the runner points sys.stdout at /dev/null only after importing the bench.
    from cariberita.http import errors, query_parameters
    from cariberita.search.params import SearchParams

    app = APIGatewayRestResolver(enable_validation=True)
    errors.register(app, repeatable=query_parameters.repeatable(SearchParams))
    reader = query_parameters.QueryReader(SearchParams)
    signature = query_parameters.signature(SearchParams, Response[Any])

    def routing(**documented: Any) -> Response[Any]:
        return Response(200, "application/json", "{}")

    def by_reader(**documented: Any) -> Response[Any]:
        reader.read(app.current_event)
        return Response(200, "application/json", "{}")

    def by_powertools(**query: Any) -> Response[Any]:
        return Response(200, "application/json", "{}")

    for path, route, validated in (
        ("/routing", routing, False),
        ("/reader", by_reader, False),
        ("/powertools", by_powertools, True),
    ):
        route.__signature__ = signature  # type: ignore[attr-defined]
        app.get(path, enable_validation=validated)(route)
    return app


def measure(rounds: int, repeats: int = 20) -> tuple[Table, dict[str, Any]]:
    """Per route, the median µs per request of each round (the mix, interleaved by route)."""
    app = resolver()
    events = {p: [api_gateway_event(p, query) for _, query in QUERY_MIX] for p in ROUTES}
    for path, batch in events.items():  # warm: each route builds its models on first use
        for event in batch:
            if app.resolve(event, bench_context())["statusCode"] != 200:
                raise RuntimeError(f"{path} refused a query of the mix")
    per_round: dict[str, list[float]] = {p: [] for p in ROUTES}
    for _ in range(rounds):
        samples: dict[str, list[float]] = {p: [] for p in ROUTES}
        for i in range(len(QUERY_MIX)):
            for _ in range(repeats):
                for path in ROUTES:
                    start = time.perf_counter()
                    app.resolve(events[path][i], bench_context())
                    samples[path].append((time.perf_counter() - start) * 1e6)
        for path in ROUTES:
            per_round[path].append(summarise(samples[path]).median)
    rows = [[label, summarise(per_round[p]).text("{:.0f}")] for p, label in ROUTES.items()]
    table = Table(
        ["the /search edge, per request", "µs p50"],
        rows,
        caption=f"in process, no OpenSearch; the query mix × {repeats}, {rounds} rounds, "
        "routes interleaved; median over rounds (IQR)",
    )
    return table, {"per_round_us": per_round}
