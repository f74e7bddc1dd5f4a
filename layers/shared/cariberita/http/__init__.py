"""The HTTP edge of the search API: routes, error mapping, CORS, cache headers, OpenAPI.

The domain (:mod:`cariberita.search`) takes plain arguments and returns response models; this
package turns API Gateway events into those calls and the results into HTTP responses.
"""
