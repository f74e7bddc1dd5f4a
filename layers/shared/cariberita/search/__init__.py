"""Search: parameters, query building and ranking, facets, highlights, cursors, result shaping.

``functions/search/app.py`` routes HTTP requests here; :mod:`cariberita.search.store` is the only
module that talks to OpenSearch.
"""
