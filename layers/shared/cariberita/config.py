"""Settings read from environment variables at handler entry (never at import time)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from functools import lru_cache
from typing import Literal, TypeVar, cast
from urllib.parse import urlparse

from pydantic import BaseModel, Field, ValidationError, field_validator

from cariberita.errors import ConfigurationError

T = TypeVar("T", bound=BaseModel)


class Settings(BaseModel):
    """What every function needs to reach the index.

    ``opensearch_auth`` picks how requests are signed: ``none`` for a local node or a cluster
    behind a trusted network, ``sigv4`` for an Amazon OpenSearch Service domain. Serverless
    collections are not supported: the code needs ``_cluster/health``, ``_refresh`` and
    external versioning, which Serverless lacks (docs/operations.md).
    """

    opensearch_endpoint: str = Field(alias="OPENSEARCH_ENDPOINT")
    articles_index: str = Field(
        default="articles", alias="ARTICLES_INDEX", pattern=r"^[a-z0-9][a-z0-9_\-]{0,200}$"
    )
    opensearch_auth: Literal["none", "sigv4"] = Field(default="none", alias="OPENSEARCH_AUTH")
    aws_region: str | None = Field(default=None, alias="AWS_REGION")
    opensearch_timeout_s: float = Field(default=10.0, gt=0, le=120, alias="OPENSEARCH_TIMEOUT_S")
    opensearch_max_retries: int = Field(default=3, ge=0, le=10, alias="OPENSEARCH_MAX_RETRIES")
    # Off by default: gzip at level 9 cost a quarter of the ingest time in benchmarks, and the
    # functions talk to the domain inside AWS, where bytes are cheaper than Lambda CPU.
    opensearch_http_compress: bool = Field(default=False, alias="OPENSEARCH_HTTP_COMPRESS")

    model_config = {"populate_by_name": True, "frozen": True, "extra": "ignore"}

    @field_validator("opensearch_endpoint")
    @classmethod
    def _endpoint_is_url(cls, value: str) -> str:
        parsed = urlparse(value.strip())
        if parsed.scheme not in ("http", "https") or not parsed.hostname:
            raise ValueError(
                "must be a URL with scheme, e.g. https://search-x.eu-west-1.es.amazonaws.com"
            )
        return value.strip().rstrip("/")

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Validate the environment; raise ConfigurationError naming every bad variable."""
        env = os.environ if environ is None else environ
        return load(cls, env)


def load(model: type[T], environ: Mapping[str, str]) -> T:
    """Build a settings model from environment variables, with one readable error.

    Every call reads the environment; an unchanged one gives back the model validated last
    time (settings are frozen), so validating at each handler entry costs a dict lookup.
    """
    names = _variable_names(model)
    try:
        variables = tuple((n, environ[n]) for n in names if n in environ)
        return cast(T, _validated(model, variables))  # lru_cache erases the type
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc'])}: {err['msg']}" for err in exc.errors()
        )
        raise ConfigurationError(f"invalid configuration: {problems}") from exc


@lru_cache(maxsize=16)
def _variable_names(model: type[BaseModel]) -> tuple[str, ...]:
    return tuple(f.alias or n for n, f in model.model_fields.items())


@lru_cache(maxsize=16)
def _validated(model: type[T], variables: tuple[tuple[str, str], ...]) -> T:
    return model.model_validate(dict(variables))
