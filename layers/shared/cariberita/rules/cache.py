"""The rules a running function uses: one ``get`` of the current version per TTL per container.

A new version is in force everywhere within ``ttl_s`` (30 s; the promise to editors is 60 s).
When the store cannot be read, the last rules read stay in force (none yet: no rules) and the
next call tries again after a short back-off rather than on every search.

With a ``weights`` store, the archive's form weights (``index.form_weights``) come along: one
more ``get`` per ``weights_ttl_s`` (10 minutes; an archive is weighed monthly at most), on the
search that finds them stale, and the same keep-the-last rule when it fails.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from cariberita.index.form_weights import ArchiveWeights
from cariberita.observability import logger
from cariberita.rules.compiled import NO_RULES, Rules
from cariberita.rules.model import RulesDocument
from cariberita.rules.store import FormWeightsStore, RulesStore

TTL_S = 30.0
RETRY_S = 5.0
WEIGHTS_TTL_S = 600.0


@dataclass
class RulesCache:
    store: RulesStore
    ttl_s: float = TTL_S
    clock: Callable[[], float] = time.monotonic
    weights: FormWeightsStore | None = None
    weights_ttl_s: float = WEIGHTS_TTL_S
    _rules: Rules = NO_RULES
    _expires: float = float("-inf")
    _weights_expires: float = float("-inf")
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def get(self) -> Rules:
        now = self.clock()
        if now < self._expires:
            return self._rules
        with self._lock:
            if now < self._expires:
                return self._rules
            rules = self._rules
            weights = self._read_weights(now)
            try:
                current = self.store.current()
            except Exception as exc:  # keep serving searches with the last known rules
                logger.warning("rules not refreshed", extra={"error": str(exc)[:300]})
                self._expires = now + RETRY_S
            else:
                if current is None:  # never applied (version 0), or the store was emptied
                    rules = rules if rules.version == 0 else NO_RULES
                elif current.version != rules.version:
                    document = RulesDocument.model_validate(current.rules)
                    rules = Rules(document, current.version, weights)
                self._expires = now + self.ttl_s
            # Rebuilt only when something changed: a Rules compiles its synonyms once.
            self._rules = rules if weights is rules.weights else rules.with_weights(weights)
            return self._rules

    def _read_weights(self, now: float) -> ArchiveWeights | None:
        """The archive's weights: read again once per ``weights_ttl_s``, else the last read."""
        if self.weights is None or now < self._weights_expires:
            return self._rules.weights
        try:
            found = self.weights.form_weights()
        except Exception as exc:  # the weights in force stay, as the rules do
            logger.warning("form weights not refreshed", extra={"error": str(exc)[:300]})
            self._weights_expires = now + RETRY_S
            return self._rules.weights
        self._weights_expires = now + self.weights_ttl_s
        known = self._rules.weights
        return known if known is not None and found == known else found

    def invalidate(self) -> None:
        """Read the store again on the next call (this container just changed the rules)."""
        with self._lock:
            self._expires = float("-inf")
