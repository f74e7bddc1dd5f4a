"""An in-memory ``UploadStore``: uploads to read, reports written, by ``(bucket, key)``."""

from __future__ import annotations

import io
import json
from dataclasses import dataclass, field
from typing import Any, BinaryIO


@dataclass
class FakeUploadStore:
    objects: dict[tuple[str, str], bytes] = field(default_factory=dict)
    reports: dict[tuple[str, str], str] = field(default_factory=dict)

    def put(self, bucket: str, key: str, data: bytes) -> None:
        self.objects[(bucket, key)] = data

    def remove(self, bucket: str, key: str) -> None:
        self.objects.pop((bucket, key), None)

    def open(self, bucket: str, key: str) -> BinaryIO | None:
        data = self.objects.get((bucket, key))
        return None if data is None else io.BytesIO(data)

    def exists(self, bucket: str, key: str) -> bool:
        return (bucket, key) in self.objects

    def write_report(self, bucket: str, key: str, text: str) -> None:
        self.reports[(bucket, key)] = text

    def report(self, bucket: str, key: str) -> dict[str, Any]:
        """The report written at ``key`` (under the reports prefix), parsed."""
        return json.loads(self.reports[(bucket, key)])
