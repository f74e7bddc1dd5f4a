"""``LeaseStore`` over ``<alias>-uploads``: one document per lease, ``_id`` ``lease:<name>``.

Compare-and-set is OpenSearch's optimistic concurrency: a new lease is written with
``op_type=create``, a known one with ``if_seq_no``/``if_primary_term`` of the copy read; a 409
means another writer came first. Reads are realtime ``GET``s (no refresh needed). Every
request goes to ``PUT``/``GET <alias>-uploads/_doc/<id>``, which the ingest role already may
call for the upload records. Records are never mistaken for it: their ``state`` is
``present``/``removed`` and their ``_id`` a sha256.
"""

from __future__ import annotations

from typing import Any

from opensearchpy import OpenSearch
from opensearchpy import exceptions as os_errors

from cariberita.ingest.deadline import Deadline
from cariberita.ingest.lease import LeaseState, Token
from cariberita.ingest.opensearch_indexes import call, ensure_side_indexes, uploads_index
from cariberita.ingest.writer import IndexUnavailable


def lease_id(name: str) -> str:
    return f"lease:{name}"


class OpenSearchLeaseStore:
    def __init__(self, client: OpenSearch, alias: str, timeout_s: float = 10.0) -> None:
        self._client = client
        self._alias = alias
        self._index = uploads_index(alias)
        self._timeout_s = timeout_s
        self._ready = False

    def read_lease(self, name: str, deadline: Deadline) -> tuple[LeaseState, Token] | None:
        self._ensure(deadline)
        found = call(
            lambda: self._client.get(
                index=self._index,
                id=lease_id(name),
                ignore=404,
                request_timeout=deadline.request_timeout_s(self._timeout_s),
            )
        )
        if not found.get("found"):
            if "error" in found:  # the index itself is gone
                raise IndexUnavailable(f"{self._index} missing")
            return None
        source = found["_source"]
        state = LeaseState(
            owner=source.get("owner"),
            expires_at_ms=int(source.get("expires_at") or 0),
            waiter=source.get("waiter"),
            waiter_until_ms=int(source.get("waiter_until") or 0),
        )
        return state, (int(found["_seq_no"]), int(found["_primary_term"]))

    def write_lease(
        self, name: str, state: LeaseState, token: Token | None, deadline: Deadline
    ) -> bool:
        self._ensure(deadline)
        body = {
            "upload": lease_id(name),
            "state": "leased" if state.owner is not None else "free",
            "owner": state.owner,
            "expires_at": state.expires_at_ms,
            "waiter": state.waiter,
            "waiter_until": state.waiter_until_ms,
        }
        guard: dict[str, Any] = (
            {"op_type": "create"}
            if token is None
            else {"if_seq_no": token[0], "if_primary_term": token[1]}
        )
        try:
            call(
                lambda: self._client.index(
                    index=self._index,
                    id=lease_id(name),
                    body=body,
                    request_timeout=deadline.request_timeout_s(self._timeout_s),
                    **guard,
                )
            )
        except os_errors.ConflictError:
            return False
        return True

    def _ensure(self, deadline: Deadline) -> None:
        if not self._ready:
            ensure_side_indexes(
                self._client, self._alias, deadline.request_timeout_s(self._timeout_s)
            )
            self._ready = True
