"""A fault-injecting HTTP proxy on loopback, between a client under test and OpenSearch.

Tests point ``OPENSEARCH_ENDPOINT`` at :attr:`FaultProxy.url` and add :class:`Fault` rules:

- ``bulk_429``: a share of the items of each ``_bulk`` request is answered ``429`` *without
  being forwarded* (as OpenSearch does when its write queue is full), the rest go through and
  their real results are spliced back in order;
- ``status``: the whole request is answered with ``status`` (502/503) without being forwarded;
- ``reset_before`` / ``reset_after``: the client connection is reset (RST) before the request is
  forwarded, or after it was applied upstream (the write happened, the client sees an error);
- ``delay``: the request is forwarded and its response held back ``delay_s`` seconds, past the
  client's timeout (the write happened; the client times out and retries).

Each rule applies to requests whose path contains ``path_contains`` and whose method is in
``methods``, at most ``times`` times (``None``: until cleared), with probability ``chance``.
Item choice is seeded, so a run is repeatable. :attr:`FaultProxy.stats` counts what went by.
"""

from __future__ import annotations

import gzip
import http.client
import json
import random
import socket
import struct
import threading
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Literal
from urllib.parse import urlparse

FaultKind = Literal["bulk_429", "status", "reset_before", "reset_after", "delay"]
_HOP_HEADERS = {
    "connection",
    "keep-alive",
    "transfer-encoding",
    "content-length",
    "accept-encoding",
}


@dataclass
class Fault:
    kind: FaultKind
    path_contains: str = ""
    methods: tuple[str, ...] = ("GET", "HEAD", "POST", "PUT", "DELETE")
    times: int | None = None
    chance: float = 1.0
    share: float = 0.3  # bulk_429: share of items rejected
    status: int = 503  # status: the answer
    delay_s: float = 0.0  # delay: how long the response is held back
    fired: int = field(default=0, init=False)

    def matches(self, method: str, path: str) -> bool:
        if self.kind == "bulk_429" and "_bulk" not in path:
            return False
        return method in self.methods and self.path_contains in path


class FaultProxy:
    """A threaded HTTP/1.1 proxy to ``upstream``; use as a context manager or start()/stop()."""

    def __init__(self, upstream: str, seed: int = 8) -> None:
        parsed = urlparse(upstream)
        self.upstream_host = parsed.hostname or "127.0.0.1"
        self.upstream_port = parsed.port or 80
        self.rng = random.Random(seed)
        self.faults: list[Fault] = []
        # Called with (method, path) before each request is forwarded, e.g. to stop the node.
        self.before_forward: Callable[[str, str], None] | None = None
        self.stats: Counter[str] = Counter()
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> FaultProxy:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.stopping.set()  # wakes handlers sleeping in a delay
        self.server.shutdown()
        self.server.server_close()

    def __enter__(self) -> FaultProxy:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def add(self, fault: Fault) -> Fault:
        with self.lock:
            self.faults.append(fault)
        return fault

    def clear(self) -> None:
        """End every fault: from now on requests pass through untouched."""
        with self.lock:
            self.faults.clear()

    def _pick(self, method: str, path: str) -> Fault | None:
        with self.lock:
            for fault in self.faults:
                if not fault.matches(method, path):
                    continue
                if fault.times is not None and fault.fired >= fault.times:
                    continue
                if self.rng.random() >= fault.chance:
                    continue
                fault.fired += 1
                self.stats[f"fault:{fault.kind}"] += 1
                return fault
        return None

    def _reject_items(self, share: float, count: int) -> set[int]:
        with self.lock:
            return {i for i in range(count) if self.rng.random() < share}

    def forward(self, method: str, path: str, headers: dict[str, str], body: bytes | None):
        """Send one request upstream; return (status, headers, body) with the body decoded."""
        conn = http.client.HTTPConnection(self.upstream_host, self.upstream_port, timeout=120)
        try:
            conn.request(method, path, body=body, headers=headers)
            resp = conn.getresponse()
            data = resp.read()
            return resp.status, [(k, v) for k, v in resp.getheaders()], data
        finally:
            conn.close()


def _handler_for(proxy: FaultProxy) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:
            pass  # quiet: pytest output is for test results

        def do_GET(self) -> None:
            self._proxy()

        do_HEAD = do_POST = do_PUT = do_DELETE = do_GET

        def _proxy(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else None
            if body and (self.headers.get("Content-Encoding") or "").lower() == "gzip":
                body = gzip.decompress(body)  # so _bulk bodies can be read and rewritten
            headers = {
                k: v
                for k, v in self.headers.items()
                if k.lower() not in _HOP_HEADERS and k.lower() != "content-encoding"
            }
            proxy.stats["requests"] += 1
            fault = proxy._pick(self.command, self.path)
            kind = fault.kind if fault else None
            if fault and kind == "status":
                self._reply(
                    fault.status, [("Content-Type", "application/json")], _error_body(fault.status)
                )
                return
            if kind == "reset_before":
                self._reset()
                return
            if proxy.before_forward is not None:
                proxy.before_forward(self.command, self.path)
            if fault and kind == "bulk_429" and body:
                self._partial_bulk(headers, body, fault.share)
                return
            try:
                status, resp_headers, data = proxy.forward(self.command, self.path, headers, body)
            except OSError:
                proxy.stats["upstream_down"] += 1
                self._reply(502, [("Content-Type", "application/json")], _error_body(502))
                return
            if kind == "reset_after":
                self._reset()
                return
            if fault and kind == "delay" and proxy.stopping.wait(fault.delay_s):
                return
            self._reply(status, resp_headers, data)

        def _partial_bulk(self, headers: dict[str, str], body: bytes, share: float) -> None:
            items = _split_bulk(body)
            rejected = proxy._reject_items(share, len(items))
            proxy.stats["bulk_items"] += len(items)
            proxy.stats["bulk_items_429"] += len(rejected)
            kept = [item for i, item in enumerate(items) if i not in rejected]
            results: list[dict[str, Any]] = []
            if kept:
                payload = b"".join(line + b"\n" for item in kept for line in item)
                try:
                    status, _, data = proxy.forward("POST", self.path, headers, payload)
                except OSError:
                    self._reply(502, [("Content-Type", "application/json")], _error_body(502))
                    return
                if status != 200:
                    self._reply(status, [("Content-Type", "application/json")], data)
                    return
                results = json.loads(data)["items"]
            merged, upstream = [], iter(results)
            for i, item in enumerate(items):
                merged.append(_rejected_item(item[0]) if i in rejected else next(upstream))
            errors = bool(rejected) or any(
                next(iter(r.values())).get("status", 200) >= 300 for r in merged
            )
            reply = json.dumps({"took": 1, "errors": errors, "items": merged}).encode()
            self._reply(200, [("Content-Type", "application/json")], reply)

        def _reply(self, status: int, headers: list[tuple[str, str]], data: bytes) -> None:
            try:
                self.send_response(status)
                for key, value in headers:
                    if key.lower() not in _HOP_HEADERS and key.lower() != "content-encoding":
                        self.send_header(key, value)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(data)
                self.wfile.flush()
            except OSError:
                self.close_connection = True  # the client gave up (timeout) before we answered

        def _reset(self) -> None:
            # SO_LINGER 0 makes close() send RST: the client sees "connection reset by peer".
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.connection.close()
            self.close_connection = True

    return Handler


def _split_bulk(body: bytes) -> list[list[bytes]]:
    """NDJSON bulk body -> items, each [action line] or [action line, source line]."""
    lines = [line for line in body.split(b"\n") if line.strip()]
    items, i = [], 0
    while i < len(lines):
        action = json.loads(lines[i])
        if "delete" in action:
            items.append([lines[i]])
            i += 1
        else:
            items.append(lines[i : i + 2])
            i += 2
    return items


def _rejected_item(action_line: bytes) -> dict[str, Any]:
    ((op, meta),) = json.loads(action_line).items()
    return {
        op: {
            "_index": meta.get("_index"),
            "_id": meta.get("_id"),
            "status": 429,
            "error": {
                "type": "es_rejected_execution_exception",
                "reason": "rejected execution of coordinating operation (injected by fault proxy)",
            },
        }
    }


def _error_body(status: int) -> bytes:
    reason = {502: "Bad Gateway", 503: "Service Unavailable"}.get(status, "injected fault")
    return json.dumps(
        {"error": {"type": "injected_fault", "reason": reason}, "status": status}
    ).encode()
