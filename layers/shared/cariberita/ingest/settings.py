"""Settings of the ingest function: the shared ones plus bulk sizes, limits, reports prefix."""

from __future__ import annotations

import os
from collections.abc import Mapping

from pydantic import Field, field_validator

from cariberita.articles.parsers import Limits
from cariberita.config import Settings, load


class IngestSettings(Settings):
    """Validated at handler entry; every value has a safe default except the endpoint."""

    reports_prefix: str = Field(default="reports/", alias="REPORTS_PREFIX", min_length=1)
    # Well under the 10 MB HTTP payload cap of the smallest managed domains.
    bulk_max_bytes: int = Field(
        default=5_000_000, ge=10_000, le=100_000_000, alias="BULK_MAX_BYTES"
    )
    # A 5 MB bulk request can take longer than a search; a timeout makes the transport resend it
    # (harmless, ids are deterministic, but wasted work), so bulk gets its own, longer timeout.
    bulk_timeout_s: float = Field(default=60.0, gt=0, le=900, alias="BULK_TIMEOUT_S")
    bulk_max_actions: int = Field(default=1_000, ge=1, le=10_000, alias="BULK_MAX_ACTIONS")
    category_map_path: str | None = Field(default=None, alias="CATEGORY_MAP_PATH")
    max_record_bytes: int = Field(default=1_000_000, ge=1_000, alias="MAX_RECORD_BYTES")
    max_document_bytes: int = Field(default=20_000_000, ge=1_000, alias="MAX_DOCUMENT_BYTES")
    max_page_bytes: int = Field(default=5_000_000, ge=1_000, alias="MAX_PAGE_BYTES")
    # Stop starting new bulk requests when less than this is left, so SQS can redeliver cleanly.
    time_margin_ms: int = Field(default=15_000, ge=0, alias="INGEST_TIME_MARGIN_MS")
    max_listed_rejections: int = Field(default=1_000, ge=0, alias="REPORT_MAX_REJECTIONS")
    # How long the bucket's ingest lease outlives its last renewal (ingest/lease.py): longer
    # than the longest wait between two requests (a bulk request's timeout plus a backoff).
    lease_ttl_s: int = Field(default=120, ge=30, le=900, alias="INGEST_LEASE_TTL_S")

    @field_validator("reports_prefix")
    @classmethod
    def _prefix(cls, value: str) -> str:
        value = value.strip().lstrip("/")
        if not value or ".." in value.split("/"):
            raise ValueError("must be a plain key prefix such as 'reports/'")
        return value if value.endswith("/") else value + "/"

    @property
    def limits(self) -> Limits:
        return Limits(self.max_record_bytes, self.max_document_bytes, self.max_page_bytes)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> IngestSettings:
        return load(cls, os.environ if environ is None else environ)
