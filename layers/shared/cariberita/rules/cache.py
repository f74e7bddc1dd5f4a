"""The rules a running function uses: one ``get`` of the current version per TTL per container.

A new version is in force everywhere within ``ttl_s`` (30 s; the promise to editors is 60 s).
When the store cannot be read, the last rules read stay in force (none yet: no rules) and the
next call tries again after a short back-off rather than on every search.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from cariberita.observability import logger
from cariberita.rules.compiled import NO_RULES, Rules
from cariberita.rules.model import RulesDocument
from cariberita.rules.store import RulesStore

TTL_S = 30.0
RETRY_S = 5.0


@dataclass
class RulesCache:
    store: RulesStore
    ttl_s: float = TTL_S
    clock: Callable[[], float] = time.monotonic
    _rules: Rules = NO_RULES
    _expires: float = float("-inf")
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def get(self) -> Rules:
        now = self.clock()
        if now < self._expires:
            return self._rules
        with self._lock:
            if now < self._expires:
                return self._rules
            try:
                current = self.store.current()
            except Exception as exc:  # keep serving searches with the last known rules
                logger.warning("rules not refreshed", extra={"error": str(exc)[:300]})
                self._expires = now + RETRY_S
                return self._rules
            if current is None:
                self._rules = NO_RULES
            elif current.version != self._rules.version:
                self._rules = Rules(RulesDocument.model_validate(current.rules), current.version)
            self._expires = now + self.ttl_s
            return self._rules

    def invalidate(self) -> None:
        """Read the store again on the next call (this container just changed the rules)."""
        with self._lock:
            self._expires = float("-inf")
