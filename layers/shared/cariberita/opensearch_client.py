"""The OpenSearch client, built once per container.

Locally it speaks plain HTTP(S) to a node; in AWS it signs every request with SigV4 for an
Amazon OpenSearch Service domain (service ``es``). botocore is imported only when signing, so
the search function does not pay for it on a local or unsigned cold start.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any
from urllib.parse import urlparse

import orjson
from opensearchpy import OpenSearch, RequestsHttpConnection, Urllib3HttpConnection
from opensearchpy.exceptions import SerializationError
from opensearchpy.serializer import JSONSerializer

from cariberita.config import Settings


@dataclass(frozen=True)
class Retries:
    """What the transport retries by itself. It retries at once, with no backoff and no
    regard for the caller's time, so it retries little: backing off is the caller's job."""

    max_retries: int
    retry_on_status: tuple[int, ...] = ()
    retry_on_timeout: bool = False


# Search and admin: one quick retry when a connection is refused or reset (a fresh socket,
# maybe another node); never a status (a 429/503 retried at once only adds load) nor a timeout
# (the server may still be running the first query).
QUICK_RETRY = Retries(max_retries=1)
# Ingest: none; ``cariberita.ingest.retries`` backs off with jitter within the Lambda's time.
NO_RETRIES = Retries(max_retries=0)
SIGV4_SERVICE = "es"  # managed domains only; Serverless (aoss) is not supported


class OrjsonSerializer(JSONSerializer):
    """JSON in and out with orjson (several times faster on result pages of tens of kB); any type
    orjson does not know falls back to the library's ``default`` (dates, UUIDs, decimals)."""

    def loads(self, s: str) -> Any:
        try:
            return orjson.loads(s)
        except orjson.JSONDecodeError as exc:
            raise SerializationError(s, exc) from exc

    def dumps(self, data: Any) -> Any:
        if isinstance(data, str):  # already serialized (bulk lines, raw bodies)
            return data
        try:
            # str, not bytes: the bulk helpers join serialized lines with "\n".
            return orjson.dumps(data, default=self.default, option=orjson.OPT_NON_STR_KEYS).decode()
        except TypeError as exc:
            raise SerializationError(data, exc) from exc


SERIALIZER = OrjsonSerializer()


def build_client(settings: Settings, retries: Retries = QUICK_RETRY) -> OpenSearch:
    """A new client for these settings; prefer :func:`get_client` in handlers.

    ``OPENSEARCH_MAX_RETRIES`` can only lower ``retries.max_retries`` (0 turns retries off).
    """
    parsed = urlparse(settings.opensearch_endpoint)
    use_ssl = parsed.scheme == "https"
    port = parsed.port or (443 if use_ssl else 80)
    kwargs: dict[str, Any] = {
        "hosts": [{"host": parsed.hostname, "port": port, "url_prefix": parsed.path or ""}],
        "use_ssl": use_ssl,
        "verify_certs": use_ssl,
        "timeout": settings.opensearch_timeout_s,
        "max_retries": min(retries.max_retries, settings.opensearch_max_retries),
        "retry_on_status": retries.retry_on_status,
        "retry_on_timeout": retries.retry_on_timeout,
        "http_compress": settings.opensearch_http_compress,
        "connection_class": Urllib3HttpConnection,
        "serializer": SERIALIZER,
    }
    if parsed.username:
        kwargs["http_auth"] = (parsed.username, parsed.password or "")
    if settings.opensearch_auth == "sigv4":
        kwargs["http_auth"] = _sigv4_auth(settings)
        # The SigV4 signer plugs into the requests-based connection only.
        kwargs["connection_class"] = RequestsHttpConnection
        kwargs["pool_maxsize"] = 10
    return OpenSearch(**kwargs)


def _sigv4_auth(settings: Settings) -> Any:
    import boto3  # only signing deployments pay for boto3 at cold start
    from opensearchpy import RequestsAWSV4SignerAuth

    session = boto3.Session()
    credentials = session.get_credentials()
    region = settings.aws_region or session.region_name
    return RequestsAWSV4SignerAuth(credentials, region, SIGV4_SERVICE)


@lru_cache(maxsize=4)
def get_client(settings: Settings, retries: Retries = QUICK_RETRY) -> OpenSearch:
    """The client for these settings, created on first use and reused by later invocations."""
    return build_client(settings, retries)
