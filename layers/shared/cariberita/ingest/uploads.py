"""Where uploads are read and reports written: the bucket, behind a small port.

``S3UploadStore`` is the adapter (boto3, through ``cariberita.storage``);
``tests/support/fake_upload_store.py`` is the in-memory fake for unit tests.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, BinaryIO, Protocol

from cariberita import storage

# A report stays well under a megabyte (ingest/report.py): a text cut at this many bytes is not
# one of ours and reads as no report (``report.reported_sequencer``).
MAX_REPORT_READ = 2_000_000


@dataclass(frozen=True)
class CurrentObject:
    """The key's current object: its bytes, and its S3 ``version_id`` (None when the bucket
    is not versioned)."""

    body: BinaryIO
    version_id: str | None


class UploadStore(Protocol):
    def open(self, bucket: str, key: str) -> BinaryIO | None:
        """A readable stream of the upload's bytes, or None when it no longer exists."""
        ...

    def open_current(self, bucket: str, key: str) -> CurrentObject | None:
        """The key's current object with its version id, or None when it has none."""
        ...

    def write_report(self, bucket: str, key: str, text: str) -> None:
        """Write a report (UTF-8 JSON) at ``key``."""
        ...

    def read_report(self, bucket: str, key: str) -> str | None:
        """The report at ``key`` as written, or None when there is none."""
        ...

    def exists(self, bucket: str, key: str) -> bool:
        """Whether ``key`` has a current object (in a versioned bucket: not a delete marker)."""
        ...


class S3UploadStore:
    """``UploadStore`` over S3; ``client`` defaults to the container's boto3 client."""

    def __init__(self, client: Any | None = None) -> None:
        self._client = client

    def open(self, bucket: str, key: str) -> BinaryIO | None:
        return storage.open_object(bucket, key, self._client)

    def open_current(self, bucket: str, key: str) -> CurrentObject | None:
        client = self._client or storage.s3_client()
        try:
            response = client.get_object(Bucket=bucket, Key=key)
        except client.exceptions.NoSuchKey:
            return None
        version = response.get("VersionId")
        # An unversioned bucket answers no VersionId (or "null", as its events say).
        known = version if isinstance(version, str) and version and version != "null" else None
        return CurrentObject(response["Body"], known)

    def write_report(self, bucket: str, key: str, text: str) -> None:
        storage.put_text(bucket, key, text, self._client)

    def read_report(self, bucket: str, key: str) -> str | None:
        body = storage.open_object(bucket, key, self._client)
        if body is None:
            return None
        with body:
            return body.read(MAX_REPORT_READ).decode("utf-8", errors="replace")

    def exists(self, bucket: str, key: str) -> bool:
        client = self._client or storage.s3_client()
        try:
            client.head_object(Bucket=bucket, Key=key)
        except client.exceptions.ClientError as exc:
            # 404 (with s3:ListBucket; without it S3 says 403) or 405 for a delete marker.
            if exc.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "405"):
                return False
            raise
        return True
