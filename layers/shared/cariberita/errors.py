"""The few domain errors; adapters translate library errors into these, handlers map them once."""


class CariBeritaError(Exception):
    """Base class for every error this package raises on purpose."""


class ConfigurationError(CariBeritaError):
    """The environment does not describe a usable deployment (raised at handler entry)."""


class InvalidRequest(CariBeritaError):
    """A caller sent something we refuse; carries the offending field for a 400 response."""

    def __init__(self, message: str, field: str | None = None, code: str = "invalid_parameter"):
        super().__init__(message)
        self.message = message
        self.field = field
        self.code = code


class NotFound(CariBeritaError):
    """The requested article (or route) does not exist."""


class SearchUnavailable(CariBeritaError):
    """OpenSearch is unreachable, overloaded or too slow; callers answer 503 with Retry-After."""


class InvalidArticle(CariBeritaError):
    """One record of a batch fails the article contract; the batch goes on without it."""
