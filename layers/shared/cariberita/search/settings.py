"""Search function settings: the shared ones plus CORS, the time budget and the cursor key."""

from __future__ import annotations

from collections.abc import Mapping

from pydantic import Field, SecretStr, field_validator, model_validator

from cariberita.config import Settings

# API Gateway cuts a REST integration at 29 s; every retry of a slow query must end well before.
MAX_TOTAL_BUDGET_MS = 20_000


class SearchSettings(Settings):
    """``CORS_ALLOWED_ORIGINS`` is comma-separated (empty: no CORS headers at all).

    ``SEARCH_TIMEOUT_MS`` bounds one OpenSearch request (server-side ``timeout`` and client socket
    timeout); with the client's retries the worst case must stay under ``MAX_TOTAL_BUDGET_MS``.
    The cursor key signs pagination cursors so a tampered cursor is refused: deployed, the
    secret named by ``CURSOR_SECRET_ARN``, read at run time (:meth:`cursor_key`); in local runs
    and tests, ``CURSOR_SECRET`` itself.
    """

    cors_allowed_origins: tuple[str, ...] = Field(default=(), alias="CORS_ALLOWED_ORIGINS")
    search_timeout_ms: int = Field(default=3_000, ge=100, le=10_000, alias="SEARCH_TIMEOUT_MS")
    cursor_secret: SecretStr | None = Field(default=None, alias="CURSOR_SECRET", min_length=16)
    cursor_secret_arn: str | None = Field(default=None, alias="CURSOR_SECRET_ARN", min_length=1)

    def cursor_key(self) -> str:
        """The key that signs cursors now: the secret behind ``CURSOR_SECRET_ARN`` (Powertools
        Parameters, cached ``secrets.SECRET_TTL_S``, so a rotation lands within that), else
        ``CURSOR_SECRET``."""
        if self.cursor_secret_arn:
            from cariberita.secrets import secret_string  # boto3 only on this path

            return secret_string(self.cursor_secret_arn)
        assert self.cursor_secret is not None  # the validator requires one of the two
        return self.cursor_secret.get_secret_value()

    # How long a container keeps the editors' rules before reading them again (docs/editors.md
    # promises 60 s); tests set 0 to see every change at once.
    rules_ttl_s: float = Field(default=30.0, ge=0, le=60, alias="RULES_TTL_S")

    @field_validator("cors_allowed_origins", mode="before")
    @classmethod
    def _split_origins(cls, value: object) -> object:
        if isinstance(value, str):
            origins = tuple(o.strip().rstrip("/") for o in value.split(",") if o.strip())
            for origin in origins:
                if origin != "*" and not origin.startswith(("https://", "http://")):
                    raise ValueError(f"{origin!r} is not an origin like https://www.example.id")
            return origins
        return value

    @model_validator(mode="after")
    def _has_a_cursor_secret(self) -> SearchSettings:
        if self.cursor_secret is None and not self.cursor_secret_arn:
            raise ValueError("set CURSOR_SECRET_ARN (deployed) or CURSOR_SECRET (local, tests)")
        return self

    @model_validator(mode="after")
    def _budget_fits_gateway(self) -> SearchSettings:
        worst = self.search_timeout_ms * (self.opensearch_max_retries + 1)
        if worst > MAX_TOTAL_BUDGET_MS:
            raise ValueError(
                f"SEARCH_TIMEOUT_MS x (OPENSEARCH_MAX_RETRIES + 1) = {worst} ms exceeds "
                f"{MAX_TOTAL_BUDGET_MS} ms (API Gateway gives up at 29 s)"
            )
        return self

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> SearchSettings:
        return super().from_env(environ)  # type: ignore[return-value]
