"""The OpenSearch client, built once per container.

Locally it speaks plain HTTP(S) to a node; in AWS it signs every request with SigV4 for an
Amazon OpenSearch Service domain (service ``es``). botocore is imported only when signing, so
the search function does not pay for it on a local or unsigned cold start.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any
from urllib.parse import urlparse

from opensearchpy import OpenSearch, RequestsHttpConnection, Urllib3HttpConnection

from cariberita.config import Settings

# Statuses the transport retries by itself (with its own backoff between nodes/attempts).
RETRY_ON_STATUS = (429, 502, 503, 504)
SIGV4_SERVICE = "es"  # managed domains only; Serverless (aoss) is not supported


def build_client(settings: Settings) -> OpenSearch:
    """A new client for these settings; prefer :func:`get_client` in handlers."""
    parsed = urlparse(settings.opensearch_endpoint)
    use_ssl = parsed.scheme == "https"
    port = parsed.port or (443 if use_ssl else 80)
    kwargs: dict[str, Any] = {
        "hosts": [{"host": parsed.hostname, "port": port, "url_prefix": parsed.path or ""}],
        "use_ssl": use_ssl,
        "verify_certs": use_ssl,
        "timeout": settings.opensearch_timeout_s,
        "max_retries": settings.opensearch_max_retries,
        "retry_on_status": RETRY_ON_STATUS,
        "retry_on_timeout": True,
        "http_compress": settings.opensearch_http_compress,
        "connection_class": Urllib3HttpConnection,
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
def get_client(settings: Settings) -> OpenSearch:
    """The client for these settings, created on first use and reused by later invocations."""
    return build_client(settings)
