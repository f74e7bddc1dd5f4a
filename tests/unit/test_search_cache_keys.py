"""API Gateway caches /search per query parameter: every parameter of the route is a cache key.

A parameter missing from the template's keys would let the cache answer one filter's request with
another's results, so adding a filter to SearchParams fails here until template.yaml lists it.
"""

from __future__ import annotations

from cariberita.http import query_parameters
from cariberita.search.params import SearchParams

from tests.support.sam_template import load_template

PREFIX = "method.request.querystring."


def test_every_search_parameter_keys_the_api_cache():
    events = load_template()["Resources"]["SearchFunction"]["Properties"]["Events"]
    declared = [
        next(iter(entry))
        for entry in events["Search"]["Properties"]["RequestParameters"]
        if next(iter(entry)).startswith(PREFIX)
    ]
    derived = [p.name for p in query_parameters.parameters(SearchParams)]
    assert [name.removeprefix(PREFIX) for name in declared] == derived
