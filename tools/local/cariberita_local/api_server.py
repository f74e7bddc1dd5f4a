"""The local API: the search function's routes over HTTP, plus the website at ``/``.

Every request to an API resource becomes an API Gateway REST proxy event for the real
``functions/search/app.py`` ``lambda_handler``, and its result goes back as HTTP with the same
status, headers and body as in AWS (the local counterpart of ``sam local start-api``, which
needs Docker). A path that is no API resource gets API Gateway's own 403 answer. The search box
(``web/``) is served at ``/`` and ``/static/<file>``.
"""

from __future__ import annotations

import json
import logging
import mimetypes
import re
import socket
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

from cariberita_local.apigw import Resource, build_event, error_body, match_resource, to_http
from cariberita_local.lambda_runtime import ROOT, ProcessHandlerPool

log = logging.getLogger("cariberita_local.api")

WEB_DIR = ROOT / "web"
OPENAPI = ROOT / "api" / "openapi.json"
TEMPLATE = ROOT / "template.yaml"
DEFAULT_RESOURCES = ("/search", "/suggest", "/articles/{article_id}", "/categories", "/health")
MAX_BODY = 10 * 1024 * 1024  # API Gateway's payload limit
# API Gateway's limit for the request line and headers together; a longer request line is a 414.
MAX_REQUEST_LINE = 10_240
JSON = {"Content-Type": ["application/json"]}


# An Api event in the SAM template: `Path: /search` then `Method: GET` (block or flow style).
_TEMPLATE_ROUTE = re.compile(
    r"""Path:\s*(?:"([^"]+)"|'([^']+)'|(/[^\s,}]+))\s*,?\s*Method:\s*(\w+)"""
)


def api_resources(template: Path = TEMPLATE, openapi: Path = OPENAPI) -> list[Resource]:
    """The deployed API's resources and methods, read from template.yaml's Api events.

    Without a template: the paths of api/openapi.json (any method), else the known routes.
    """
    if template.is_file():
        routes: dict[str, set[str]] = {}
        for *forms, method in _TEMPLATE_ROUTE.findall(template.read_text(encoding="utf-8")):
            routes.setdefault("".join(forms), set()).add(method.upper())
        if routes:
            return [Resource(p, frozenset(m)) for p, m in routes.items()]
    paths: list[str] = list(DEFAULT_RESOURCES)
    if openapi.is_file():
        paths = list(json.loads(openapi.read_text(encoding="utf-8")).get("paths", {})) or paths
    return [Resource(p) for p in paths]


class BadLocalRequest(ValueError):
    """A local route's answer to a request it cannot serve: 400 with this message."""


def _not_ready(_event: dict[str, Any]) -> Any:
    raise RuntimeError("the search containers are not started yet")


class LocalApi:
    """An HTTP server on ``host:port`` (0 picks a free port) in a background thread."""

    def __init__(
        self,
        invoke: Callable[[dict[str, Any]], Any],
        host: str = "127.0.0.1",
        port: int = 8080,
        resources: list[Resource] | None = None,
        web_dir: Path | None = WEB_DIR,
        on_stop: Callable[[], None] | None = None,
        local_routes: dict[str, Callable[[dict[str, list[str]]], Any]] | None = None,
    ) -> None:
        self.invoke = invoke
        # Local-only JSON routes (the editors' page): never part of the deployed API.
        self.local_routes = local_routes or {}
        self._on_stop = on_stop
        self.resources = resources if resources is not None else api_resources()
        self.web_dir = web_dir
        self._server = _Server((host, port), _make_handler(self))
        self._server.daemon_threads = True
        self._thread: threading.Thread | None = None

    @classmethod
    def for_search_function(
        cls,
        containers: int = 4,
        on_bound: Callable[[LocalApi], None] | None = None,
        **kwargs: Any,
    ) -> LocalApi:
        """The real search handler: ``containers`` processes serving one request at a time each.

        The port is bound first and ``on_bound`` called with the API (its :attr:`url` is the real
        one, also with port 0) before the containers are spawned: they copy the environment as it
        is then, so that is where settings that name the port (the CORS origin) are set.
        """
        api = cls(_not_ready, **kwargs)
        try:
            if on_bound is not None:
                on_bound(api)
            pool = ProcessHandlerPool("search", size=containers, timeout_s=29.0)
        except BaseException:
            api._server.server_close()
            raise
        api.invoke, api._on_stop = pool.invoke, pool.close
        return api

    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self) -> str:
        self._thread = threading.Thread(
            target=self._server.serve_forever, name="local-api", daemon=True
        )
        self._thread.start()
        return self.url

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        if self._thread:
            self._thread.join(timeout=5)
        if self._on_stop is not None:
            self._on_stop()


class _Server(ThreadingHTTPServer):
    # http.server's default backlog of 5 drops connections when 16 clients connect at once.
    request_queue_size = 64
    daemon_threads = True

    def get_request(self) -> tuple[socket.socket, Any]:
        # Headers and body leave in two writes: with Nagle's algorithm on, the body of every
        # answer on a kept-alive connection waited ~40 ms for the client's delayed ACK.
        connection, address = super().get_request()
        connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return connection, address


def _make_handler(api: LocalApi) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        server_version = "cariberita-local"
        protocol_version = "HTTP/1.1"

        def __getattr__(self, name: str) -> Any:
            # An unknown method reaches the router too (API Gateway's 403), not http.server's 501.
            if name.startswith("do_"):
                return self._api
            raise AttributeError(name)

        def parse_request(self) -> bool:
            if len(self.raw_requestline) > MAX_REQUEST_LINE:
                self.requestline, self.command, self.request_version = "", "", "HTTP/1.1"
                self.close_connection = True
                self.send_error(414)
                return False
            return super().parse_request()

        def send_error(
            self, code: int, message: str | None = None, explain: str | None = None
        ) -> None:
            """http.server's own errors (bad request line, 414, 431) as JSON, like the API's."""
            self.close_connection = True
            if self.request_version in ("", "HTTP/0.9"):  # a broken request line: answer in 1.1
                self.request_version = "HTTP/1.1"
            short = message or self.responses.get(code, ("Error",))[0]
            headers = {**JSON, "Connection": ["close"]}
            self._send(code, headers, error_body(short))

        def do_GET(self) -> None:
            path = self.path.split("?")[0]
            if path in api.local_routes:
                self._local(path)
            elif path in ("/", "/editor.html") or self.path.startswith("/static/"):
                self._static()
            else:
                self._api()

        def _api(self) -> None:
            path = self.path.split("?")[0]
            declared = self.headers.get("Content-Length", "0").strip()
            if not declared.isdigit() or not declared.isascii():
                # The body's end is unknown: answer and close rather than read a guess.
                self.send_error(400, "Invalid Content-Length")
                return
            length = int(declared)
            found = match_resource(api.resources, path, self.command)
            if found is None:
                self.close_connection = length > 0  # its body stays unread
                self._send(403, JSON, error_body("Missing Authentication Token"))
                return
            if length > MAX_BODY:
                self.close_connection = True  # the body stays unread
                self._send(413, JSON, error_body("Request Too Long"))
                return
            body = self.rfile.read(length) if length else b""
            resource, params = found
            event = build_event(
                self.command,
                self.path,
                list(self.headers.items()),
                body,
                resource,
                params,
                source_ip=self.client_address[0],
            )
            try:
                result = api.invoke(event)
            except Exception:  # Lambda answers an unhandled error with API Gateway's 502
                log.exception("handler raised for %s %s", self.command, self.path)
                result = None
            status, headers, raw = to_http(result)
            self._send(status, headers, raw)

        def _local(self, path: str) -> None:
            query = parse_qs(self.path.partition("?")[2])
            try:
                body = json.dumps(api.local_routes[path](query), ensure_ascii=False).encode()
                status = 200
            except BadLocalRequest as exc:  # the caller's mistake, said as the route says it
                body = json.dumps({"error": {"message": str(exc)}}, ensure_ascii=False).encode()
                status = 400
            except Exception as exc:  # a local tool: say what went wrong
                log.exception("local route %s failed", path)
                body, status = json.dumps({"error": str(exc)}).encode(), 500
            headers = {"Content-Type": ["application/json"], "Cache-Control": ["no-store"]}
            self._send(status, headers, body)

        def _static(self) -> None:
            if api.web_dir is None:
                self._api()
                return
            path = self.path.split("?")[0]
            name = {"/": "index.html", "/editor.html": "editor.html"}.get(path)
            name = name or path[len("/static/") :]
            target = (api.web_dir / name).resolve()
            # Only files directly in web/: no traversal, no hidden files.
            inside = target.parent == api.web_dir.resolve() and not name.startswith(".")
            if not inside or not target.is_file():
                self._send(404, {"Content-Type": ["text/plain; charset=utf-8"]}, b"not found")
                return
            kind = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
            if kind.startswith("text/") or kind.endswith("javascript"):
                kind += "; charset=utf-8"
            headers = {"Content-Type": [kind], "Cache-Control": ["no-cache"]}
            self._send(200, headers, target.read_bytes())

        def _send(self, status: int, headers: dict[str, list[str]], body: bytes) -> None:
            self.send_response(status)
            for name, values in headers.items():
                if name.lower() == "connection" and self.close_connection:
                    self.send_header("Connection", "close")
                    continue
                if name.lower() in ("content-length", "connection", "transfer-encoding"):
                    continue
                for value in values:
                    self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            log.info("%s %s", self.address_string(), format % args)

    # Every verb reaches the router so undeclared ones get API Gateway's 403, not http.server's 501.
    for verb in ("POST", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD", "TRACE", "QUERY", "CONNECT"):
        setattr(Handler, f"do_{verb}", Handler._api)
    return Handler
