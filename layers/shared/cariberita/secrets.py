"""Secrets read at run time from Secrets Manager through Powertools Parameters, with a TTL.

The template passes a secret's ARN, never its value (``CURSOR_SECRET_ARN``). Each container
keeps the value for ``max_age_s`` and then reads it again, so a rotation (``aws secretsmanager
put-secret-value``) reaches every function within that time, without a deploy.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from cariberita.errors import ConfigurationError

if TYPE_CHECKING:  # Powertools Parameters imports boto3: only the code path that reads pays
    from aws_lambda_powertools.utilities.parameters.base import BaseProvider

SECRET_TTL_S = 300


def secret_string(
    arn: str, *, max_age_s: int = SECRET_TTL_S, provider: BaseProvider | None = None
) -> str:
    """The secret's current string, at most ``max_age_s`` seconds old.

    ``provider`` is for tests; production uses Powertools' default Secrets Manager provider
    (``parameters.get_secret``), whose cache is per container. Raises ConfigurationError for an
    empty or binary secret; Secrets Manager errors (access denied, no such secret) propagate as
    Powertools' ``GetParameterError``.
    """
    if max_age_s < 0:
        raise ValueError("max_age_s must be 0 (no cache) or more")
    value: object
    if provider is None:
        from aws_lambda_powertools.utilities import parameters

        value = parameters.get_secret(arn, max_age=max_age_s)
    else:
        value = provider.get(arn, max_age=max_age_s)
    if not isinstance(value, str) or not value:
        raise ConfigurationError(f"secret {arn} holds no text")
    return value
