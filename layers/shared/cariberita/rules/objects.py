"""A rules file in the bucket: read with the version S3 served, and named in the history.

A version applied from an upload records that upload in its ``applied_by``:
``s3://<bucket>/<key>?versionId=<id>&sequencer=<hex>`` (the key percent-encoded, so a ``?`` in
it cannot be taken for the details). The versionId is the one GetObject returned with the body
that was applied, not the event's: the object may have been overwritten since the event, and
GetObject serves the newer body. The sequencer is the event's. ``applied_by`` is already a
keyword in the ``<alias>-rules`` mapping (strict), so indexes created before need no new field.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import parse_qs, quote, unquote, urlencode, urlsplit

from cariberita.rules.model import MAX_DOCUMENT_BYTES


@dataclass(frozen=True)
class RulesObject:
    """The bytes of a rules file (at most one byte over the limit) and their S3 versionId."""

    data: bytes
    version_id: str | None = None


@dataclass(frozen=True)
class AppliedObject:
    """Which upload a version was applied from."""

    bucket: str
    key: str
    version_id: str | None = None
    sequencer: str | None = None

    @property
    def origin(self) -> str:
        """The file, without version or sequencer: every upload of one key shares it."""
        return f"s3://{self.bucket}/{quote(self.key, safe='/')}"

    def applied_by(self) -> str:
        details = {"versionId": self.version_id, "sequencer": self.sequencer}
        query = urlencode({k: v for k, v in details.items() if v})
        return f"{self.origin}?{query}" if query else self.origin

    @classmethod
    def parse(cls, applied_by: str) -> AppliedObject | None:
        """The upload an ``applied_by`` names; None for the admin tool (``cli:...``)."""
        parts = urlsplit(applied_by)
        if parts.scheme != "s3" or not parts.netloc or len(parts.path) < 2:
            return None
        details = {k: v[0] for k, v in parse_qs(parts.query).items()}
        return cls(
            parts.netloc,
            unquote(parts.path[1:]),
            details.get("versionId"),
            details.get("sequencer"),
        )


def s3_read(bucket: str, key: str) -> RulesObject | None:
    """The current object and its versionId from one GetObject; None when it no longer exists.

    One request, so the versionId is the body's (a HEAD before or after could see another).
    """
    from cariberita import storage

    client = storage.s3_client()
    try:
        response = client.get_object(Bucket=bucket, Key=key)
    except client.exceptions.NoSuchKey:
        return None
    body = response["Body"]
    try:
        data: bytes = body.read(MAX_DOCUMENT_BYTES + 1)
    finally:
        body.close()
    version = response.get("VersionId")  # absent, or "null", in an unversioned bucket
    return RulesObject(data, str(version) if version and version != "null" else None)
