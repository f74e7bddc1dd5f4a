"""Two invocations at once (the template allows two): the bucket's ingest lease, and the races it
closes, on the in-memory fakes. A second invocation is played by a hook that runs while the
first one is writing (found by an independent review, 2026-12-03: /tmp/review-ingest)."""

from __future__ import annotations

import json
from collections.abc import Callable, Collection

import pytest
from cariberita.ingest.deadline import RELEASE_RESERVE_MS, REQUEST_RESERVE_MS, Deadline
from cariberita.ingest.events import ObjectEvent
from cariberita.ingest.lease import WORK_MS, Lease, LeaseBusy, LeaseLost, Leases, LeaseState
from cariberita.ingest.service import IngestService
from cariberita.ingest.writer import IndexArticle, IndexUnavailable

from tests.support.fake_index_writer import FakeIndexWriter, FakeLeaseStore
from tests.support.fake_upload_store import FakeUploadStore
from tests.support.ingest_service import Clock, service_on, unleased

BUCKET = "berita"
MARGIN_MS = 15_000


class Time:
    """Wall clock (for lease expiry) and the Lambda clocks of the invocations. A waiter's sleep
    uses up the Lambda clocks only: the holder, stuck behind the hook in this one thread, would
    renew its lease meanwhile in its own invocation. ``advance`` moves the wall clock."""

    def __init__(self) -> None:
        self.now = 1_700_000_000.0
        self.clocks: list[Clock] = []
        self.on_sleep: Callable[[], None] | None = None

    def time(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        for clock in self.clocks:
            clock.remaining_ms -= int(seconds * 1000)
        if self.on_sleep is not None:
            self.on_sleep()

    def advance(self, seconds: float) -> None:
        self.now += seconds

    def invocation(self, remaining_ms: int = 300_000) -> Deadline:
        clock = Clock(remaining_ms)
        self.clocks.append(clock)
        return Deadline(clock, MARGIN_MS)


class HookedIndex(FakeIndexWriter):
    """Runs ``hook`` once, after the chunk holding article ``trigger`` was written, or (with
    ``on_release``) when a release starts: another invocation gets to run there."""

    def __init__(self, chunk_size: int = 10) -> None:
        super().__init__(chunk_size=chunk_size)
        self.hook: Callable[[], None] | None = None
        self.trigger: str | None = None
        self.on_release = False
        self.on_chunk: Callable[[], None] | None = None

    def _fire(self) -> None:
        hook, self.hook = self.hook, None
        if hook is not None:
            hook()

    def _request(self, chunk):
        out = super()._request(chunk)
        if self.on_chunk is not None:
            self.on_chunk()
        if not self.on_release and any(
            isinstance(o, IndexArticle) and o.id == self.trigger for o in chunk
        ):
            self._fire()
        return out

    def release_articles(
        self, upload: str, article_ids: Collection[str], deadline: Deadline | None = None
    ) -> int:
        if self.on_release:
            self._fire()
        return super().release_articles(upload, article_ids, deadline)


@pytest.fixture
def time_() -> Time:
    return Time()


@pytest.fixture
def leases(time_) -> Leases:
    return Leases(FakeLeaseStore(), clock=time_.time, sleep=time_.sleep)


@pytest.fixture
def index() -> HookedIndex:
    return HookedIndex()


@pytest.fixture
def bucket() -> FakeUploadStore:
    return FakeUploadStore()


@pytest.fixture
def service(index, bucket, leases) -> IngestService:
    return service_on(index, bucket, leases)


def ndjson(*records: dict) -> bytes:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records).encode()


def batch(n: int, title: str = "Berita", updated_at: str | None = "2024-03-01") -> bytes:
    return ndjson(*(article(f"art-{i:03d}", f"{title} {i}", updated_at) for i in range(n)))


def article(id_: str, title: str, updated_at: str | None = "2024-03-01") -> dict:
    record = {"id": id_, "title": title, "body": f"Isi berita {title}."}
    return record | ({"updated_at": updated_at} if updated_at else {})


def put(key: str, seq: str, version: str | None = None) -> ObjectEvent:
    return ObjectEvent("created", BUCKET, key, version, seq)


def delete(key: str, seq: str, version: str | None = None) -> ObjectEvent:
    return ObjectEvent("removed", BUCKET, key, version, seq)


def report(bucket: FakeUploadStore, key: str) -> dict:
    return bucket.report(BUCKET, f"reports/{key}.json")


def titles(index: FakeIndexWriter) -> dict[str, str]:
    return {k: v["title"] for k, v in index.documents().items()}


def held_by_another(leases: Leases, time_: Time, name: str = BUCKET) -> None:
    """Another invocation holds the bucket's lease (and keeps it alive)."""
    other = leases.acquire(name, "other-invocation/1", time_.invocation())
    assert other.owner == "other-invocation/1"


# --- the lease -------------------------------------------------------------------------------


def test_the_service_holds_the_bucket_lease_while_it_works_and_frees_it(
    service, bucket, index, leases
):
    seen: list[str | None] = []
    index.on_chunk = lambda: seen.append(leases.store.holder(BUCKET))
    bucket.put(BUCKET, "uploads/a.ndjson", batch(25))

    service.handle(put("uploads/a.ndjson", "10"), Deadline())

    assert len(seen) == 3 and seen[0] is not None and set(seen) == {seen[0]}
    assert leases.store.holder(BUCKET) is None


def test_the_lease_is_freed_when_the_work_fails(service, bucket, index, leases):
    bucket.put(BUCKET, "uploads/a.ndjson", batch(3))
    index.unavailable = True

    with pytest.raises(IndexUnavailable):
        service.handle(put("uploads/a.ndjson", "10"), Deadline())

    assert leases.store.holder(BUCKET) is None
    assert report(bucket, "uploads/a.ndjson")["status"] == "retrying"


def test_an_invocation_waits_while_another_holds_the_lease_then_gives_up(
    service, bucket, index, leases, time_
):
    held_by_another(leases, time_)
    bucket.put(BUCKET, "uploads/a.ndjson", batch(3))
    deadline = time_.invocation(300_000)

    with pytest.raises(LeaseBusy):
        service.handle(put("uploads/a.ndjson", "10"), deadline)

    # It waited as long as the deadline left time for the work, and did nothing.
    assert MARGIN_MS + WORK_MS <= deadline.remaining_ms() < MARGIN_MS + WORK_MS + 1_000
    assert index.articles == {} and index.records == {} and bucket.reports == {}


def test_a_waiting_invocation_takes_the_lease_once_it_is_freed(
    service, bucket, index, leases, time_
):
    other = leases.acquire(BUCKET, "other-invocation/1", time_.invocation())
    polls: list[int] = []

    def the_other_finishes_after_a_while() -> None:
        polls.append(1)
        if len(polls) == 20:
            other.release()

    time_.on_sleep = the_other_finishes_after_a_while
    bucket.put(BUCKET, "uploads/a.ndjson", batch(3))

    result = service.handle(put("uploads/a.ndjson", "10"), time_.invocation())

    assert result is not None and result.status == "ok" and len(polls) == 20
    assert len(index.articles) == 3


def test_an_expired_lease_is_taken_over(service, bucket, index, leases, time_):
    # Its holder died (Lambda timeout, out of memory) and stopped renewing it.
    held_by_another(leases, time_)
    time_.advance(leases.ttl_ms / 1000 + 1)
    bucket.put(BUCKET, "uploads/a.ndjson", batch(3))

    result = service.handle(put("uploads/a.ndjson", "10"), time_.invocation())

    assert result is not None and len(index.articles) == 3


def test_the_lease_is_renewed_as_the_work_goes_on(service, bucket, index, leases, time_):
    # Each chunk takes 30 s: far past the lease's time in all, never between two renewals.
    index.on_chunk = lambda: time_.advance(30)
    expiries: list[int] = []
    seen = index.on_chunk

    def chunk() -> None:
        seen()
        state = leases.store.leases[BUCKET][0]
        expiries.append(state.expires_at_ms)
        assert state.expires_at_ms > time_.now * 1000

    index.on_chunk = chunk
    bucket.put(BUCKET, "uploads/a.ndjson", batch(60))

    service.handle(put("uploads/a.ndjson", "10"), time_.invocation())

    assert len(set(expiries)) >= 5  # renewed before (nearly) every chunk
    assert len(index.articles) == 60


def test_a_holder_that_lost_its_lease_stops_and_writes_no_report(
    service, bucket, index, leases, time_
):
    # The holder stalls past the lease's expiry; another invocation takes it over.
    def stall_then_taken_over() -> None:
        time_.advance(leases.ttl_ms / 1000 + 1)
        leases.acquire(BUCKET, "other-invocation/2", time_.invocation())

    index.trigger, index.hook = "art-005", stall_then_taken_over
    bucket.put(BUCKET, "uploads/a.ndjson", batch(30))

    with pytest.raises(LeaseLost):
        service.handle(put("uploads/a.ndjson", "10"), time_.invocation())

    assert len(index.articles) == 10  # not one request after the takeover
    assert bucket.reports == {} and index.records == {}
    assert leases.store.holder(BUCKET) == "other-invocation/2"


def test_the_holder_going_on_to_its_next_message_leaves_the_turn_to_the_waiter(leases, time_):
    holder = leases.acquire(BUCKET, "a/1", time_.invocation())
    # The waiter polls once and claims the next turn.
    assert leases._try(BUCKET, "b/1", time_.invocation())[0] is False
    assert leases.store.leases[BUCKET][0].waiter == "b/1"
    holder.release()

    # The first invocation's next message does not take the lease straight back...
    taken, _ = leases._try(BUCKET, "a/2", time_.invocation())
    assert not taken
    # ...the waiter does, on its next poll.
    assert leases.acquire(BUCKET, "b/1", time_.invocation()).owner == "b/1"


def test_a_waiters_claim_lapses_when_it_stops_polling(leases, time_):
    holder = leases.acquire(BUCKET, "a/1", time_.invocation())
    leases._try(BUCKET, "b/1", time_.invocation())  # claims, then gives up
    holder.release()
    time_.advance(10)

    assert leases.acquire(BUCKET, "a/2", time_.invocation()).owner == "a/2"


def test_a_renewal_the_index_does_not_answer_is_tried_again_later(leases, time_):
    lease = leases.acquire(BUCKET, "a/1", time_.invocation())
    time_.advance(lease.renew_every_ms / 1000)
    leases.store.unavailable = True
    lease.keep()  # tolerated: the lease has most of its time left
    leases.store.unavailable = False
    lease.keep()
    assert leases.store.leases[BUCKET][0].expires_at_ms == int(time_.now * 1000) + leases.ttl_ms


def test_a_request_that_runs_to_its_timeout_leaves_time_to_free_the_lease(leases):
    # A bulk request may run until its timeout; under the lease that timeout leaves room for
    # the release (RELEASE_RESERVE_MS), or the bucket's next messages would wait out the TTL.
    clock = Clock(20_000)
    deadline = Deadline(clock, margin_ms=15_000)
    with leases.hold(BUCKET, deadline) as lease:
        work = deadline.kept_by(lease.keep)
        clock.remaining_ms -= int(work.request_timeout_s(30.0) * 1000)  # it timed out
        assert clock.remaining_ms == REQUEST_RESERVE_MS + RELEASE_RESERVE_MS

    assert leases.store.holder(BUCKET) is None


def test_release_keeps_a_waiters_claim_and_frees_the_lease(leases, time_):
    lease: Lease = leases.acquire(BUCKET, "a/1", time_.invocation())
    leases._try(BUCKET, "b/1", time_.invocation())
    lease.release()
    state: LeaseState = leases.store.leases[BUCKET][0]
    assert state.owner is None and state.waiter == "b/1"


def in_another_invocation(service, event, time_) -> tuple[Callable[[], None], list[Exception]]:
    """A hook that handles ``event`` as a second invocation would while the first runs, and
    the LeaseBusy it met (it waited for the lease and gave up: the message is redelivered)."""
    refused: list[Exception] = []

    def handle() -> None:
        try:
            service.handle(event, time_.invocation())
        except LeaseBusy as exc:
            refused.append(exc)

    return handle, refused


# --- 1. a rename: put(B) and delete(A) at once ----------------------------------------------


def test_a_rename_loses_no_article_when_the_delete_comes_during_the_put(
    service, bucket, index, time_
):
    data = batch(30)
    bucket.put(BUCKET, "uploads/a.ndjson", data)
    service.handle(put("uploads/a.ndjson", "10"), time_.invocation())
    # aws s3 mv a b: copy, then delete.
    bucket.put(BUCKET, "uploads/b.ndjson", data)
    bucket.remove(BUCKET, "uploads/a.ndjson")
    delete_a_in_the_other_invocation, refused = in_another_invocation(
        service, delete("uploads/a.ndjson", "11"), time_
    )
    index.trigger, index.hook = "art-005", delete_a_in_the_other_invocation
    service.handle(put("uploads/b.ndjson", "20"), time_.invocation())
    # The delete waited, gave up and is delivered again.
    service.handle(delete("uploads/a.ndjson", "11"), time_.invocation())

    assert len(index.articles) == 30
    assert refused
    assert report(bucket, "uploads/b.ndjson")["status"] == "ok"
    assert report(bucket, "uploads/a.ndjson")["counts"]["deleted"] == 0


# --- 2. two keys holding one batch, both deleted at once ---------------------------------------


def test_two_copies_deleted_at_once_unpublish_the_batch(service, bucket, index, time_):
    for key in ("uploads/satu.ndjson", "uploads/dua.ndjson"):
        bucket.put(BUCKET, key, batch(20))
        service.handle(put(key, "10"), time_.invocation())
        bucket.remove(BUCKET, key)
    delete_dua_in_the_other_invocation, refused = in_another_invocation(
        service, delete("uploads/dua.ndjson", "20"), time_
    )
    index.on_release, index.hook = True, delete_dua_in_the_other_invocation
    service.handle(delete("uploads/satu.ndjson", "20"), time_.invocation())
    if refused:  # delivered again
        service.handle(delete("uploads/dua.ndjson", "20"), time_.invocation())

    assert index.articles == {}
    assert refused
    assert report(bucket, "uploads/dua.ndjson")["counts"]["deleted"] == 20


# --- 3. two puts of one key at once -------------------------------------------------------------


def test_overlapping_puts_of_a_key_end_with_the_last_upload_and_its_report(
    service, bucket, index, time_
):
    key = "uploads/harian.ndjson"
    v1 = bucket.put(BUCKET, key, batch(30, "Lama", None) + ndjson({"id": "rusak", "title": ""}))
    waiting: list[ObjectEvent] = []

    def the_editor_uploads_a_fix() -> None:
        v2 = bucket.put(BUCKET, key, batch(30, "Baru", None))
        event = put(key, "20", v2)
        try:
            service.handle(event, time_.invocation())
        except LeaseBusy:
            waiting.append(event)

    index.trigger, index.hook = "art-005", the_editor_uploads_a_fix
    service.handle(put(key, "10", v1), time_.invocation())
    assert waiting
    service.handle(waiting[0], time_.invocation())

    assert set(titles(index).values()) == {f"Baru {i}" for i in range(30)}
    final = report(bucket, key)
    assert final["status"] == "ok" and final["rejected"] == []


def test_a_put_of_a_version_no_longer_current_publishes_nothing(service, bucket, index):
    key = "uploads/harian.ndjson"
    v1 = bucket.put(BUCKET, key, batch(3, "Lama", None))
    v2 = bucket.put(BUCKET, key, batch(3, "Baru", None))

    # Put 1 is delivered after version 2 was uploaded, and before put 2.
    assert service.handle(put(key, "10", v1), Deadline()) is None
    assert index.articles == {} and bucket.reports == {}

    service.handle(put(key, "20", v2), Deadline())
    assert set(titles(index).values()) == {"Baru 0", "Baru 1", "Baru 2"}
    assert index.records[f"{BUCKET}/{key}"].version_id == v2


def test_a_put_overtaken_by_a_newer_put_of_its_key_leaves_the_newer_report(bucket):
    # Without the lease (as after it was lost), put 20 runs while put 10 writes.
    index = HookedIndex()
    service = unleased(index, bucket)
    key = "uploads/harian.ndjson"
    bucket.put(BUCKET, key, batch(30, "Lama", None) + ndjson({"id": "rusak", "title": ""}))

    def newer_put() -> None:
        bucket.put(BUCKET, key, batch(30, "Baru", None))
        service.handle(put(key, "20"), Deadline())

    index.trigger, index.hook = "art-005", newer_put
    assert service.handle(put(key, "10"), Deadline()) is None

    final = report(bucket, key)
    assert final["status"] == "ok" and final["rejected"] == []


# --- 4. a put that finishes after its key was deleted ------------------------------------------


def test_a_put_finishing_after_its_key_was_deleted_leaves_the_removed_report(bucket):
    index = HookedIndex()
    service = unleased(index, bucket)
    key = "uploads/k.ndjson"
    bucket.put(BUCKET, key, batch(30))

    def delete_meanwhile() -> None:
        bucket.remove(BUCKET, key)
        service.handle(delete(key, "20"), Deadline())

    index.trigger, index.hook = "art-005", delete_meanwhile
    assert service.handle(put(key, "10"), Deadline()) is None

    assert report(bucket, key)["status"] == "removed"
    assert index.articles == {}


def test_with_the_lease_a_delete_during_a_put_waits_for_it(service, bucket, index, time_):
    key = "uploads/k.ndjson"
    bucket.put(BUCKET, key, batch(30))
    waiting: list[ObjectEvent] = []

    def delete_meanwhile() -> None:
        bucket.remove(BUCKET, key)
        try:
            service.handle(delete(key, "20"), time_.invocation())
        except LeaseBusy:
            waiting.append(delete(key, "20"))

    index.trigger, index.hook = "art-005", delete_meanwhile
    assert service.handle(put(key, "10"), time_.invocation()) is not None
    service.handle(waiting[0], time_.invocation())

    assert report(bucket, key)["status"] == "removed"
    assert index.articles == {}


# --- 5. deleting the current version of a versioned key ----------------------------------------


def test_deleting_the_current_version_publishes_the_version_current_again(service, bucket, index):
    key = "uploads/x.ndjson"
    v1 = bucket.put(BUCKET, key, ndjson(article("a", "A versi 1")))
    service.handle(put(key, "10", v1), Deadline())
    v2 = bucket.put(BUCKET, key, ndjson(article("a", "A versi 2"), article("z", "Salah tayang")))
    service.handle(put(key, "11", v2), Deadline())

    bucket.remove_version(BUCKET, key, v2)
    result = service.handle(delete(key, "12", v2), Deadline())

    assert result is not None and result.status == "ok"
    assert titles(index) == {"a": "A versi 1"}
    assert report(bucket, key)["counts"]["updated"] == 1
    record = index.records[f"{BUCKET}/{key}"]
    assert record.version_id == v1 and record.articles == {"a"} and record.sequencer == "12"


def test_after_the_current_version_is_deleted_a_newer_edit_stays_until_the_key_goes(
    service, bucket, index
):
    # Newer wins: version 2's later edit of "a" stays, now held by the key's version 1.
    key = "uploads/x.ndjson"
    v1 = bucket.put(BUCKET, key, ndjson(article("a", "A versi 1", "2024-03-01")))
    service.handle(put(key, "10", v1), Deadline())
    v2 = bucket.put(BUCKET, key, ndjson(
        article("a", "A versi 2", "2024-03-02"), article("z", "Salah tayang", "2024-03-02")
    ))  # fmt: skip
    service.handle(put(key, "11", v2), Deadline())

    bucket.remove_version(BUCKET, key, v2)
    service.handle(delete(key, "12", v2), Deadline())

    assert titles(index) == {"a": "A versi 2"}
    assert report(bucket, key)["counts"]["skipped_older"] == 1
    bucket.remove(BUCKET, key)
    service.handle(delete(key, "13"), Deadline())
    assert index.articles == {}


def test_deleting_the_only_version_unpublishes_the_key(service, bucket, index):
    key = "uploads/x.ndjson"
    v1 = bucket.put(BUCKET, key, ndjson(article("a", "A")))
    service.handle(put(key, "10", v1), Deadline())

    bucket.remove_version(BUCKET, key, v1)
    service.handle(delete(key, "11", v1), Deadline())

    assert index.articles == {} and report(bucket, key)["status"] == "removed"


def test_deleting_the_current_version_spares_what_another_object_holds(service, bucket, index):
    key = "uploads/x.ndjson"
    v1 = bucket.put(BUCKET, key, ndjson(article("a", "A")))
    service.handle(put(key, "10", v1), Deadline())
    v2 = bucket.put(BUCKET, key, ndjson(article("a", "A"), article("z", "Z")))
    service.handle(put(key, "11", v2), Deadline())
    bucket.put(BUCKET, "uploads/lain.ndjson", ndjson(article("z", "Z")))
    service.handle(put("uploads/lain.ndjson", "10"), Deadline())

    bucket.remove_version(BUCKET, key, v2)
    service.handle(delete(key, "12", v2), Deadline())

    assert set(index.articles) == {"a", "z"}
    assert index.records[f"{BUCKET}/{key}"].articles == {"a"}
