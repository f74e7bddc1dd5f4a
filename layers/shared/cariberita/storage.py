"""The small S3 adapter: stream an object, write a report, upload a file.

Bodies are returned as botocore streams and read in chunks by the parsers, so memory stays
bounded whatever the object's size. The client is created once per container.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any, BinaryIO


@lru_cache(maxsize=1)
def s3_client() -> Any:
    """boto3's S3 client (it honours AWS_ENDPOINT_URL_S3, which local runs and tests set)."""
    # Imported here: the search function never pays for importing boto3.
    import boto3
    from botocore.config import Config

    return boto3.client(
        "s3", config=Config(retries={"mode": "standard", "max_attempts": 5}, read_timeout=60)
    )


def open_object(bucket: str, key: str, s3: Any | None = None) -> BinaryIO | None:
    """A readable stream of the object's bytes, or None when it no longer exists."""
    client = s3 or s3_client()
    try:
        body: BinaryIO = client.get_object(Bucket=bucket, Key=key)["Body"]
        return body
    except client.exceptions.NoSuchKey:
        return None


def put_text(bucket: str, key: str, text: str, s3: Any | None = None) -> None:
    """Write a small UTF-8 JSON text object (a report)."""
    (s3 or s3_client()).put_object(
        Bucket=bucket,
        Key=key,
        Body=text.encode("utf-8"),
        ContentType="application/json; charset=utf-8",
    )


def upload_file(path: Path, bucket: str, key: str, s3: Any | None = None) -> None:
    """Upload a local file (multipart for big ones, streamed from disk)."""
    (s3 or s3_client()).upload_file(str(path), bucket, key)
