"""An IngestService on in-memory fakes, and a Lambda clock, for the ingest unit tests."""

from __future__ import annotations

import random

from cariberita.articles.categories import CategoryMap
from cariberita.ingest.service import IngestService
from cariberita.ingest.settings import IngestSettings

from tests.support.fake_index_writer import FakeIndexWriter
from tests.support.fake_upload_store import FakeUploadStore

SETTINGS = IngestSettings.from_env({"OPENSEARCH_ENDPOINT": "http://index.invalid"})


class Clock:
    """A Lambda context whose remaining time stands still."""

    def __init__(self, remaining_ms: int) -> None:
        self.remaining_ms = remaining_ms

    def get_remaining_time_in_millis(self) -> int:
        return self.remaining_ms


def service_on(index: FakeIndexWriter, bucket: FakeUploadStore) -> IngestService:
    """The service as the handler builds it, on fakes, with a seeded jitter."""
    return IngestService(SETTINGS, index, bucket, CategoryMap(), random.Random(0))
