"""Search: parameters, query building and ranking, facets, highlights, cursors, result shaping.

Nothing here knows HTTP: :mod:`cariberita.http` routes requests to :mod:`.service`, which returns
the response models of :mod:`.schemas`; :mod:`.store` is the only module that talks to OpenSearch.
"""
