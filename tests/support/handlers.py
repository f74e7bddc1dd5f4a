"""The Lambda runtime helpers tests use, from the one place the local stack and bench use too."""

from __future__ import annotations

from cariberita_local.lambda_runtime import (
    LambdaContext,
    api_gateway_event,
    load_handler,
    load_handler_module,
    s3_notification,
    sqs_record,
    sqs_s3_event,
)

__all__ = [
    "LambdaContext",
    "api_gateway_event",
    "load_handler",
    "load_handler_module",
    "s3_notification",
    "sqs_record",
    "sqs_s3_event",
]
