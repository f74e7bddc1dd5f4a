"""CloudFormation custom resource: create or update the articles index and alias on deploy.

Create and Update run ``cariberita.index.manager.ensure_index``, the same code as
``python -m cariberita.admin create``. Delete changes nothing: the index holds the newsroom's
searchable archive and is never dropped by a stack operation (docs/operations.md). Every path
answers CloudFormation - success, failure, bad input, or time running out - so a deploy never
waits on us for the custom resource's ServiceTimeout.
"""

from __future__ import annotations

import json
import os
import time
import urllib.request
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from typing import Any

from cariberita.config import Settings
from cariberita.index import manager
from cariberita.observability import logger, tracer
from cariberita.opensearch_client import get_client
from opensearchpy.exceptions import AuthorizationException

# Time kept back to answer CloudFormation after giving up on OpenSearch.
SAFETY_MARGIN_MS = 15_000
MAX_REASON = 1000  # CloudFormation rejects response bodies over 4 KiB

Respond = Callable[[str, dict[str, Any]], None]


def send_response(url: str, body: dict[str, Any]) -> None:
    """PUT the result to CloudFormation's pre-signed S3 URL, retrying brief network errors.

    The URL was signed without a content type, so the request must send an empty one.
    """
    data = json.dumps(body).encode("utf-8")
    for attempt in range(3):
        request = urllib.request.Request(  # noqa: S310 - the URL comes from CloudFormation
            url, data=data, method="PUT", headers={"Content-Type": ""}
        )
        try:
            with urllib.request.urlopen(request, timeout=20) as response:  # noqa: S310
                response.read()
            return
        except OSError:
            if attempt == 2:
                raise
            time.sleep(1 + attempt)


def physical_id(alias: str) -> str:
    """One physical resource per alias: a new alias makes CloudFormation delete (no-op) the old."""
    return f"articles-index:{alias}"


def ensure(properties: dict[str, Any], client: Any = None) -> dict[str, Any]:
    """Validate the resource properties, run ensure_index, and return the Data for GetAtt."""
    alias = str(properties.get("Alias") or os.environ.get("ARTICLES_INDEX") or "articles")
    settings = Settings.from_env({**os.environ, "ARTICLES_INDEX": alias})
    raw_replicas = properties.get("Replicas", 0)
    try:
        replicas = int(raw_replicas)
    except (TypeError, ValueError):
        raise ValueError(f"Replicas must be a whole number, got {raw_replicas!r}") from None
    if not 0 <= replicas <= 5:
        raise ValueError(f"Replicas must be between 0 and 5, got {replicas}")
    client = client or get_client(settings)
    action = manager.ensure_index(client, settings.articles_index, replicas=replicas)
    status = manager.status(client, settings.articles_index)
    if action == "reindex_needed":  # Data.Action says so too
        # The live index is never closed to change analysis: an operator runs the reindex.
        logger.warning(
            "reindex needed: the shipped analysis differs from the live index; it was left "
            "as it is. Run `cariberita-admin reindex` (docs/operations.md)",
            extra={"alias": status.alias, "index": status.indices[-1] if status.indices else ""},
        )
    return {
        "Alias": status.alias,
        "Index": status.indices[-1] if status.indices else "",
        "Action": action,
        "Documents": status.documents,
    }


def access_denied_reason(exc: AuthorizationException, role_arn: str, alias: str) -> str:
    """What an operator adds when the domain refuses the bootstrap's role (HTTP 403)."""
    info = exc.info if isinstance(exc.info, dict) else {}
    said = str(info.get("Message") or info.get("error") or exc.error)[:300]
    return (
        f"OpenSearch refused the bootstrap (403: {said}). Allow role {role_arn} in the domain's "
        f"access policy: es:ESHttpGet/Head/Post/Put on <domain>/{alias}-v*, es:ESHttpGet on "
        f"<domain>/_alias/{alias} and <domain>/_cluster/health/{alias}-v*, es:ESHttpGet/Post on "
        f"<domain>/{alias}/_count (docs/operations.md#existing-domain has the JSON). With "
        "fine-grained access control, also map the role to cariberita_bootstrap."
    )


def _with_deadline(work: Callable[[], dict[str, Any]], seconds: float) -> dict[str, Any]:
    # A daemon-like worker: if it overruns we answer FAILED and let the container freeze it.
    pool = ThreadPoolExecutor(max_workers=1)
    try:
        return pool.submit(work).result(timeout=max(seconds, 1.0))
    except FutureTimeout:
        raise TimeoutError(
            f"OpenSearch did not finish the index bootstrap within {seconds:.0f}s"
        ) from None
    finally:
        pool.shutdown(wait=False)


def handle(
    event: dict[str, Any], context: Any, client: Any = None, respond: Respond = send_response
) -> dict[str, Any]:
    """Answer one custom resource request; returns the body sent to CloudFormation."""
    request_type = event.get("RequestType")
    properties = event.get("ResourceProperties") or {}
    alias = str(properties.get("Alias") or os.environ.get("ARTICLES_INDEX") or "articles")
    status, reason, data = "SUCCESS", f"log stream {context.log_stream_name}", {}
    resource_id = event.get("PhysicalResourceId") or physical_id(alias)
    try:
        if request_type in ("Create", "Update"):
            resource_id = physical_id(alias)
            seconds = (context.get_remaining_time_in_millis() - SAFETY_MARGIN_MS) / 1000
            data = _with_deadline(lambda: ensure(properties, client), seconds)
            logger.info("index bootstrap done", extra=data)
        elif request_type == "Delete":
            logger.info("delete requested: the index is kept", extra={"resource": resource_id})
        else:
            raise ValueError(f"unknown RequestType {request_type!r}")
    except AuthorizationException as exc:  # the domain does not admit this role (yet)
        logger.exception("index bootstrap refused by OpenSearch")
        role = str(properties.get("RoleArn") or "this function's role")
        status, reason = "FAILED", access_denied_reason(exc, role, alias)[:MAX_REASON]
    except Exception as exc:  # every failure must still reach CloudFormation
        logger.exception("index bootstrap failed")
        status, reason = "FAILED", f"{type(exc).__name__}: {exc}"[:MAX_REASON]
    body = {
        "Status": status,
        "Reason": reason,
        "PhysicalResourceId": resource_id,
        "StackId": event.get("StackId"),
        "RequestId": event.get("RequestId"),
        "LogicalResourceId": event.get("LogicalResourceId"),
        "NoEcho": False,
        "Data": data,
    }
    respond(event["ResponseURL"], body)
    return body


@logger.inject_lambda_context
@tracer.capture_lambda_handler
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return handle(event, context)
