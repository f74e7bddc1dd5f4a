"""Query analytics: one structured log line and a few metrics per search.

The log line's ``message`` is ``search`` and it carries ``query`` (normalised, lowercased),
``filters``, ``sort``, ``page``, ``hits``, ``zero_results`` and ``latency_ms``: docs/search.md has
the CloudWatch Logs Insights queries for top and zero-result queries.
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.metrics import MetricUnit

from cariberita.observability import logger, metrics
from cariberita.search.params import SearchParams


def search_event(
    params: SearchParams, hits: int, latency_ms: float, did_you_mean: str | None
) -> dict[str, Any]:
    """The fields of the ``search`` log line."""
    # did_you_mean only when offered, so Logs Insights can filter with ispresent(did_you_mean).
    offered = {"did_you_mean": did_you_mean} if did_you_mean else {}
    return {
        "query": params.q.lower(),
        "query_empty": not params.q,
        "filters": params.filters.asked(),
        "sort": params.sort,
        "page": params.page,
        "cursor": params.cursor is not None,
        "hits": hits,
        "zero_results": hits == 0,
        "latency_ms": round(latency_ms, 1),
        **offered,
    }


def record_search(
    params: SearchParams, hits: int, latency_ms: float, did_you_mean: str | None
) -> None:
    zero = hits == 0
    logger.info("search", extra=search_event(params, hits, latency_ms, did_you_mean))
    metrics.add_metric(name="Searches", unit=MetricUnit.Count, value=1)
    metrics.add_metric(
        name="SearchLatency", unit=MetricUnit.Milliseconds, value=round(latency_ms, 1)
    )
    metrics.add_metric(name="ZeroResults", unit=MetricUnit.Count, value=1 if zero else 0)
    if did_you_mean:
        metrics.add_metric(name="DidYouMeanOffered", unit=MetricUnit.Count, value=1)


def record_suggest(hits: int, latency_ms: float) -> None:
    metrics.add_metric(
        name="SuggestLatency", unit=MetricUnit.Milliseconds, value=round(latency_ms, 1)
    )
    metrics.add_metric(name="SuggestEmpty", unit=MetricUnit.Count, value=1 if hits == 0 else 0)
