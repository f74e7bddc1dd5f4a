"""Search for Indonesian news: the domain (parsing, analysis, query building) and its adapters."""

__version__ = "0.1.0"
