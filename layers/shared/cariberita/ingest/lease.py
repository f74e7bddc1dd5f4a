"""One ingest at a time per bucket: a lease that work on upload records and articles holds.

Releasing an object's articles asks which other objects hold them, and a put records what it
holds only once its articles are written; two invocations doing that at once (the template
allows two) lost articles or kept them for good (docs/ingestion.md, "Ownership"). So each
object event of the bucket runs under the bucket's lease, a small document written with
compare-and-set (``LeaseStore``; ``opensearch_lease.py`` keeps it in ``<alias>-uploads``):

- **Taking it.** A free lease, or one whose holder let it expire (the invocation died), is
  taken by writing this invocation's owner id and an expiry. Both candidates may read it free;
  the compare-and-set lets one win.
- **Waiting.** While another invocation holds it, poll every ``poll_ms`` while the deadline
  leaves time for the work (``WORK_MS``), then raise ``LeaseBusy``: the message fails and SQS
  delivers it again. A waiter claims the next turn (``waiter``), so the holder, going on to its
  next message, cannot take the lease straight back and starve it.
- **Keeping it.** ``Lease.keep`` renews it as work progresses (the deadline calls it before
  every request and check) and raises ``LeaseLost`` once another invocation has taken it over:
  this one stops writing, its message fails and is delivered again.
- **Releasing it.** At the end, also after a failure; if that fails, it expires.
"""

from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from typing import Protocol

from cariberita.errors import CariBeritaError
from cariberita.ingest import telemetry
from cariberita.ingest.deadline import Deadline, OutOfTime
from cariberita.ingest.writer import IndexUnavailable
from cariberita.observability import logger

Token = tuple[int, int]  # what a compare-and-set compares (OpenSearch: seq_no, primary_term)

TTL_MS = 120_000
POLL_MS = 500
# A waiter's claim on the next turn lapses unless renewed (each poll renews it).
CLAIM_MS = 5_000
# What the deadline must still leave, beyond its margin, for a waiter to go on waiting: time
# to do some work once the lease is taken (less, and the message fails either way).
WORK_MS = 30_000
# Without a Lambda deadline (local runs, the CLI): wait at most this long.
MAX_WAIT_MS = 300_000
ATTEMPTS = 3  # compare-and-set attempts of a renewal or release racing a waiter's claim


class LeaseBusy(CariBeritaError):
    """Another invocation held the bucket's lease for as long as this one could wait; the
    message is delivered again later. Nothing was done for it."""


class LeaseLost(CariBeritaError):
    """Another invocation took the lease over (this one stalled past its expiry); this one
    stops writing and its message is delivered again."""


@dataclass(frozen=True)
class LeaseState:
    """``owner`` holds the lease until ``expires_at_ms`` (epoch ms; None: free); ``waiter`` has
    the next turn until ``waiter_until_ms``."""

    owner: str | None = None
    expires_at_ms: int = 0
    waiter: str | None = None
    waiter_until_ms: int = 0

    def held(self, now_ms: int) -> bool:
        return self.owner is not None and self.expires_at_ms > now_ms

    def reserved_for_another(self, owner: str, now_ms: int) -> bool:
        return self.waiter not in (None, owner) and self.waiter_until_ms > now_ms


class LeaseStore(Protocol):
    """Lease documents by name, replaced only by compare-and-set."""

    def read_lease(self, name: str, deadline: Deadline) -> tuple[LeaseState, Token] | None:
        """The lease and its token, or None if it was never written."""
        ...

    def write_lease(
        self, name: str, state: LeaseState, token: Token | None, deadline: Deadline
    ) -> bool:
        """Write ``state`` if the lease is unchanged since ``token`` was read (``None``: if it
        does not exist yet); False when another writer came first."""
        ...


@dataclass
class Leases:
    """Takes the leases of ``store``; ``clock`` (epoch seconds) and ``sleep`` for tests."""

    store: LeaseStore
    ttl_ms: int = TTL_MS
    poll_ms: int = POLL_MS
    clock: Callable[[], float] = time.time
    sleep: Callable[[float], None] = time.sleep

    def now_ms(self) -> int:
        return int(self.clock() * 1000)

    @contextmanager
    def hold(self, name: str, deadline: Deadline) -> Iterator[Lease]:
        """Hold lease ``name`` for the body: wait for it, renew it, release it at the end.

        Raises LeaseBusy when it stays held by another invocation as long as the deadline
        allows waiting.
        """
        lease = self.acquire(name, new_owner(deadline), deadline)
        try:
            yield lease
        finally:
            lease.release()

    def acquire(self, name: str, owner: str, deadline: Deadline) -> Lease:
        waited_ms = 0
        while True:
            taken, seen = self._try(name, owner, deadline)
            if taken:
                self._taken(name, owner, seen, waited_ms)
                return Lease(self, name, owner, deadline)
            holder = seen.owner if seen is not None else None
            if waited_ms == 0:
                logger.info("waiting for the bucket's ingest lease", extra={"holder": holder})
            if waited_ms + self.poll_ms > MAX_WAIT_MS or not deadline.allows(
                self.poll_ms + WORK_MS
            ):
                logger.warning(
                    "gave up waiting for the bucket's ingest lease; the message is redelivered",
                    extra={"holder": holder, "waited_ms": waited_ms},
                )
                telemetry.lease_busy(waited_ms)
                self._withdraw(name, owner, deadline)
                raise LeaseBusy(f"{name} held by {holder} for {waited_ms} ms")
            self.sleep(self.poll_ms / 1000)
            waited_ms += self.poll_ms

    def _try(self, name: str, owner: str, deadline: Deadline) -> tuple[bool, LeaseState | None]:
        """One attempt: take the lease if it is free (or expired) and not another's turn;
        else claim the next turn if nobody else has. Returns whether it was taken and what
        was found."""
        now = self.now_ms()
        found = self.store.read_lease(name, deadline)
        mine = LeaseState(owner, now + self.ttl_ms)
        if found is None:
            return self.store.write_lease(name, mine, None, deadline), None
        state, token = found
        if state.reserved_for_another(owner, now):
            return False, state
        if not state.held(now):
            return self.store.write_lease(name, mine, token, deadline), state
        if state.waiter != owner or state.waiter_until_ms - now < CLAIM_MS // 2:
            claim = replace(state, waiter=owner, waiter_until_ms=now + CLAIM_MS)
            self.store.write_lease(name, claim, token, deadline)  # lost to a renewal: next poll
        return False, state

    def _withdraw(self, name: str, owner: str, deadline: Deadline) -> None:
        """Give up this waiter's claim on the next turn (best effort: it lapses anyway)."""
        try:
            found = self.store.read_lease(name, deadline)
            if found is not None and found[0].waiter == owner:
                unclaimed = replace(found[0], waiter=None, waiter_until_ms=0)
                self.store.write_lease(name, unclaimed, found[1], deadline)
        except (IndexUnavailable, OutOfTime):
            pass

    def _taken(self, name: str, owner: str, seen: LeaseState | None, waited_ms: int) -> None:
        if seen is not None and seen.owner is not None:  # it had expired
            logger.warning(
                "took over an expired ingest lease (its holder stopped renewing it)",
                extra={
                    "lease": name,
                    "previous_owner": seen.owner,
                    "expired_ms_ago": self.now_ms() - seen.expires_at_ms,
                },
            )
            telemetry.lease_taken_over()
        if waited_ms:
            logger.info("took the bucket's ingest lease", extra={"waited_ms": waited_ms})
            telemetry.lease_waited(waited_ms)
        logger.debug("ingest lease taken", extra={"lease": name, "owner": owner})


def new_owner(deadline: Deadline) -> str:
    """This invocation's Lambda request id plus a random token (one per acquisition)."""
    return f"{deadline.request_id or 'local'}/{secrets.token_hex(4)}"


class Lease:
    """A lease held by this invocation; ``keep`` it while working, ``release`` it at the end.

    ``keep`` may be called from the parsing thread too (the deadline's checks), hence the lock.
    """

    def __init__(self, leases: Leases, name: str, owner: str, deadline: Deadline) -> None:
        self.leases = leases
        self.name = name
        self.owner = owner
        # The plain deadline: its requests must not call keep() again.
        self._deadline = deadline
        self._renewed_ms = leases.now_ms()
        self._expires_ms = self._renewed_ms + leases.ttl_ms
        self._lost = False
        self._lock = threading.Lock()

    @property
    def renew_every_ms(self) -> int:
        return self.leases.ttl_ms // 6

    def keep(self) -> None:
        """Renew the lease when a sixth of its time went by; LeaseLost if it was taken over.

        A renewal the index does not answer is tolerated while the lease has over half its
        time left: the next call tries again.
        """
        with self._lock:
            if self._lost:
                raise LeaseLost(f"{self.name} was taken over")
            now = self.leases.now_ms()
            if now - self._renewed_ms < self.renew_every_ms:
                return
            try:
                self._renew(now)
            except (IndexUnavailable, OutOfTime) as exc:
                if self._expires_ms - now > self.leases.ttl_ms // 2:
                    logger.warning(
                        "the ingest lease was not renewed; trying again later",
                        extra={"error": f"{type(exc).__name__}: {exc}"[:300]},
                    )
                    return
                raise

    def _renew(self, now: int) -> None:
        for _ in range(ATTEMPTS):
            found = self.leases.store.read_lease(self.name, self._deadline)
            if found is None or found[0].owner != self.owner:
                self._lost = True
                holder = found[0].owner if found is not None else None
                logger.error(
                    "lost the bucket's ingest lease to another invocation; stopping",
                    extra={"lease": self.name, "holder": holder},
                )
                telemetry.lease_lost()
                raise LeaseLost(f"{self.name} was taken over by {holder}")
            state, token = found
            expires = now + self.leases.ttl_ms
            if self.leases.store.write_lease(
                self.name, replace(state, expires_at_ms=expires), token, self._deadline
            ):
                self._renewed_ms, self._expires_ms = now, expires
                return

    def release(self) -> None:
        """Free the lease (keeping a waiter's claim on the next turn). Best effort: when the
        index cannot be reached it is logged, and the lease expires."""
        with self._lock:
            if self._lost:
                return
            try:
                for _ in range(ATTEMPTS):
                    found = self.leases.store.read_lease(self.name, self._deadline)
                    if found is None or found[0].owner != self.owner:
                        return
                    state, token = found
                    free = replace(state, owner=None, expires_at_ms=0)
                    if self.leases.store.write_lease(self.name, free, token, self._deadline):
                        return
            except (IndexUnavailable, OutOfTime) as exc:
                logger.warning(
                    "the ingest lease was not released; it expires on its own",
                    extra={
                        "error": f"{type(exc).__name__}: {exc}"[:300],
                        "expires_in_ms": self._expires_ms - self.leases.now_ms(),
                    },
                )
