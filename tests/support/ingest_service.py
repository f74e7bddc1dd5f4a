"""An IngestService on in-memory fakes, and a Lambda clock, for the ingest unit tests."""

from __future__ import annotations

import random

from cariberita.articles.categories import CategoryMap
from cariberita.ingest.lease import Leases
from cariberita.ingest.service import IngestService
from cariberita.ingest.settings import IngestSettings

from tests.support.fake_index_writer import FakeIndexWriter, FakeLeaseStore
from tests.support.fake_upload_store import FakeUploadStore

SETTINGS = IngestSettings.from_env({"OPENSEARCH_ENDPOINT": "http://index.invalid"})


class Clock:
    """A Lambda context whose remaining time stands still."""

    def __init__(self, remaining_ms: int) -> None:
        self.remaining_ms = remaining_ms

    def get_remaining_time_in_millis(self) -> int:
        return self.remaining_ms


def service_on(
    index: FakeIndexWriter, bucket: FakeUploadStore, leases: Leases | None = None
) -> IngestService:
    """The service as the handler builds it, on fakes, with a seeded jitter; with the bucket's
    ingest lease in ``leases`` (default: a fresh in-memory one)."""
    return IngestService(
        SETTINGS,
        index,
        bucket,
        CategoryMap(),
        random.Random(0),
        leases=leases if leases is not None else Leases(FakeLeaseStore()),
    )


def unleased(index: FakeIndexWriter, bucket: FakeUploadStore) -> IngestService:
    """The service without a lease: two invocations interleave as they did before it."""
    service = service_on(index, bucket)
    service.leases = None
    return service
