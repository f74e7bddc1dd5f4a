"""Logger, Metrics and Tracer, created once and shared by every module and handler."""

from aws_lambda_powertools import Logger, Metrics, Tracer

SERVICE = "cariberita"

logger = Logger(service=SERVICE)
metrics = Metrics(namespace="CariBerita", service=SERVICE)
tracer = Tracer(service=SERVICE)
