"""An in-memory ``UploadStore``: uploads to read, reports written, by ``(bucket, key)``.

Each ``put`` makes a new current version (``v1``, ``v2``... per key, as a versioned bucket);
``remove`` removes the key (a delete marker).
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass, field
from typing import Any, BinaryIO

from cariberita.ingest.uploads import CurrentObject


@dataclass
class FakeUploadStore:
    objects: dict[tuple[str, str], bytes] = field(default_factory=dict)
    reports: dict[tuple[str, str], str] = field(default_factory=dict)
    # Every version of each key, oldest first: (version id, bytes).
    history: dict[tuple[str, str], list[tuple[str, bytes]]] = field(default_factory=dict)
    # Reading a report raises (S3 unreachable, or no permission to read it).
    report_reads_fail: bool = False
    _made: int = 0

    def put(self, bucket: str, key: str, data: bytes) -> str:
        """Store ``data`` as the key's new current version; its version id."""
        self._made += 1
        version = f"v{self._made}"
        self.history.setdefault((bucket, key), []).append((version, data))
        self.objects[(bucket, key)] = data
        return version

    def remove(self, bucket: str, key: str) -> None:
        self.objects.pop((bucket, key), None)

    def remove_version(self, bucket: str, key: str, version: str) -> None:
        """Delete one version for good; the newest one left is current again."""
        kept = [v for v in self.history.get((bucket, key), []) if v[0] != version]
        self.history[(bucket, key)] = kept
        if kept:
            self.objects[(bucket, key)] = kept[-1][1]
        else:
            self.objects.pop((bucket, key), None)

    def current_version(self, bucket: str, key: str) -> str | None:
        found = self.history.get((bucket, key))
        if not found or (bucket, key) not in self.objects:
            return None
        return found[-1][0] if found[-1][1] == self.objects[(bucket, key)] else None

    def open_current(self, bucket: str, key: str) -> CurrentObject | None:
        data = self.objects.get((bucket, key))
        if data is None:
            return None
        return CurrentObject(io.BytesIO(data), self.current_version(bucket, key))

    def open(self, bucket: str, key: str) -> BinaryIO | None:
        data = self.objects.get((bucket, key))
        return None if data is None else io.BytesIO(data)

    def exists(self, bucket: str, key: str) -> bool:
        return (bucket, key) in self.objects

    def write_report(self, bucket: str, key: str, text: str) -> None:
        self.reports[(bucket, key)] = text

    def read_report(self, bucket: str, key: str) -> str | None:
        if self.report_reads_fail:
            raise ConnectionError("the bucket is unreachable")
        return self.reports.get((bucket, key))

    def report(self, bucket: str, key: str) -> dict[str, Any]:
        """The report written at ``key`` (under the reports prefix), parsed."""
        return json.loads(self.reports[(bucket, key)])
