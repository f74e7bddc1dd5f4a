"""Local tooling: the whole service on one machine (OpenSearch, moto S3 + SQS, the local API).

Not part of the Lambda layer: it drives the real handlers in ``functions/`` the way AWS would.
"""
