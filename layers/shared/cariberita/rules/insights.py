"""Query insights for editors, from the ``search`` log line the search function writes per search.

Three lists over the last N days. Only a reader's *new search* counts: the first page (page 1, no
cursor) of a non-empty query with no filter and the default order (relevance). Everything a
reader does to refine it (a category, publisher, author or date filter, another order, the next
page) writes its own log line too, and counting those made one reader's search for ``banjir``
with a few facet clicks look like 16 searches, and put a query that found nothing only because
of a filter on the zero-results list. The log line has no session, so a reader who reloads the
first page, or comes back to it (Back, a shared link), is counted again: the search box's
answers may be cached for 60 s (``Cache-Control``), which absorbs most of those.

- **top**: the most frequent queries, with their average number of hits;
- **zero results**: queries that found nothing (a synonym or a missing story?);
- **weak results**: queries that found one or two articles, or for which did-you-mean offered
  another spelling. Clicks are *not* recorded (the public API has no write route and the search
  box sends no beacons), so "no click-worthy result" is approximated by these thin result lists;
  docs/editors.md says so.

Locally the lines come from the file the local stack appends them to; in AWS from CloudWatch Logs
Insights with :data:`LOGS_INSIGHTS_QUERIES` (the template ships the same texts as saved queries).
"""

from __future__ import annotations

import json
import time
from collections import Counter, defaultdict
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import Any

WEAK_HITS = 3  # search.suggest.FEW_HITS: did-you-mean is tried below it, too
TOP = 20

FILTERS = ("category", "date_from", "date_to", "author", "tag", "publisher")
"""The ``filters`` of the log line (``Filters.asked()``: only those given; lists for category and
publisher, which Logs Insights flattens as ``filters.category.0``)."""

_UNFILTERED = " and ".join(
    f"not ispresent(filters.{name}{'.0' if name in ('category', 'publisher') else ''})"
    for name in FILTERS
)
_NEW_SEARCH = (
    'message = "search" and query != "" and page = 1 and cursor = 0 and sort = "relevance"'
    f" and {_UNFILTERED}"
)
LOGS_INSIGHTS_QUERIES: dict[str, str] = {
    "top": (
        f"filter {_NEW_SEARCH}\n"
        "| stats count(*) as searches, avg(hits) as avg_hits by query\n"
        "| sort searches desc\n| limit 50"
    ),
    "zero_results": (
        f"filter {_NEW_SEARCH} and zero_results = 1\n"
        "| stats count(*) as searches by query\n| sort searches desc\n| limit 50"
    ),
    "weak_results": (
        f"filter {_NEW_SEARCH} and (hits > 0 and hits < {WEAK_HITS} or ispresent(did_you_mean))\n"
        "| stats count(*) as searches, avg(hits) as avg_hits by query\n"
        "| sort searches desc\n| limit 50"
    ),
}
"""Logs Insights query texts (JSON booleans compare as 1/0 there)."""


def _when(line: dict[str, Any]) -> datetime | None:
    raw = line.get("timestamp")
    if not isinstance(raw, str):
        return None
    for fmt in ("%Y-%m-%d %H:%M:%S,%f%z", "%Y-%m-%dT%H:%M:%S.%f%z", "%Y-%m-%dT%H:%M:%S%z"):
        try:
            return datetime.strptime(raw, fmt)
        except ValueError:
            continue
    return None


def _is_new_search(line: dict[str, Any]) -> bool:
    """A reader's new search (module docstring): not a filter, another order or another page."""
    filters = line.get("filters") or {}
    return (
        line.get("message") == "search"
        and isinstance(line.get("query"), str)
        and bool(line["query"])
        and line.get("page", 1) == 1
        and not line.get("cursor")
        and line.get("sort", "relevance") == "relevance"
        and not (isinstance(filters, dict) and any(filters.get(name) for name in FILTERS))
    )


def from_lines(lines: Iterable[str], days: int, now: datetime | None = None) -> dict[str, Any]:
    """The three lists from JSON log lines (anything else is skipped)."""
    since = (now or datetime.now(UTC)) - timedelta(days=days)
    searches: Counter[str] = Counter()
    hits: defaultdict[str, int] = defaultdict(int)
    zero: Counter[str] = Counter()
    weak: Counter[str] = Counter()
    total = 0
    for raw in lines:
        try:
            line = json.loads(raw)
        except ValueError:
            continue
        if not isinstance(line, dict) or not _is_new_search(line):
            continue
        when = _when(line)
        if when is not None and when < since:
            continue
        query, count = line["query"], int(line.get("hits") or 0)
        total += 1
        searches[query] += 1
        hits[query] += count
        if count == 0:
            zero[query] += 1
        elif count < WEAK_HITS or line.get("did_you_mean"):
            weak[query] += 1
    return {
        "days": days,
        "searches": total,
        "top": [
            {"query": q, "searches": n, "avg_hits": round(hits[q] / n, 1)}
            for q, n in searches.most_common(TOP)
        ],
        "zero_results": [{"query": q, "searches": n} for q, n in zero.most_common(TOP)],
        "weak_results": [
            {"query": q, "searches": n, "avg_hits": round(hits[q] / searches[q], 1)}
            for q, n in weak.most_common(TOP)
        ],
    }


def from_cloudwatch(
    logs: Any, log_group: str, days: int, timeout_s: float = 60.0
) -> dict[str, Any]:
    """The same lists from CloudWatch Logs Insights (``logs`` is a boto3 ``logs`` client)."""
    end = int(time.time())
    start = end - days * 86_400
    out: dict[str, Any] = {"days": days}
    for name, text in LOGS_INSIGHTS_QUERIES.items():
        query_id = logs.start_query(
            logGroupName=log_group, startTime=start, endTime=end, queryString=text
        )["queryId"]
        deadline = time.monotonic() + timeout_s
        while True:
            result = logs.get_query_results(queryId=query_id)
            if result["status"] not in ("Scheduled", "Running") or time.monotonic() > deadline:
                break
            time.sleep(1)
        rows = []
        for row in result.get("results", []):
            fields = {f["field"]: f["value"] for f in row}
            entry: dict[str, Any] = {
                "query": fields.get("query", ""),
                "searches": int(float(fields.get("searches", 0))),
            }
            if "avg_hits" in fields:
                entry["avg_hits"] = round(float(fields["avg_hits"]), 1)
            rows.append(entry)
        out[name] = rows[:TOP]
    return out
