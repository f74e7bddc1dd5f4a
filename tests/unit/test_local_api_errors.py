"""The local API answers malformed HTTP as API Gateway would: JSON, never an HTML page or a
dropped connection. Requests are fed to the real handler class through an in-memory socket."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from cariberita_local.api_server import MAX_REQUEST_LINE, BadLocalRequest, LocalApi, _make_handler
from cariberita_local.apigw import Resource


class _Connection:
    """Just enough of a socket for ``StreamRequestHandler``: the request in, the answer out."""

    def __init__(self, raw: bytes) -> None:
        self.raw = raw
        self.sent = bytearray()

    def makefile(self, mode: str, *args: Any) -> io.BytesIO:
        return io.BytesIO(self.raw)

    def sendall(self, data: bytes) -> None:
        self.sent += data


def _api(calls: list[dict[str, Any]], routes: dict[str, Any] | None = None) -> LocalApi:
    def invoke(event: dict[str, Any]) -> dict[str, Any]:
        calls.append(event)
        return {"statusCode": 200, "headers": {"Content-Type": "application/json"}, "body": "{}"}

    api = LocalApi.__new__(LocalApi)  # no server socket: only the handler class is used
    api.invoke, api.local_routes, api.web_dir = invoke, routes or {}, None
    api.resources = [Resource("/search", frozenset({"GET"}))]
    return api


def _exchange(
    raw: bytes, routes: dict[str, Any] | None = None
) -> tuple[int, dict[str, str], Any, list[dict[str, Any]]]:
    calls: list[dict[str, Any]] = []
    connection = _Connection(raw)
    _make_handler(_api(calls, routes))(connection, ("127.0.0.1", 50000), None)
    head, _, body = bytes(connection.sent).partition(b"\r\n\r\n")
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    headers = {k.lower(): v.strip() for k, _, v in (h.partition(":") for h in header_lines)}
    return int(status_line.split()[1]), headers, json.loads(body), calls


@pytest.mark.parametrize("length", ["abc", "-5", "1e3", "+3", " ", "٣", "12, 12"])
def test_a_bad_content_length_is_a_400_json_and_the_handler_is_not_called(length):
    raw = f"POST /search HTTP/1.1\r\nHost: x\r\nContent-Length: {length}\r\n\r\nabc".encode()
    status, headers, body, calls = _exchange(raw)
    assert (status, body) == (400, {"message": "Invalid Content-Length"})
    assert headers["content-type"] == "application/json"
    assert headers["connection"] == "close"
    assert calls == []


@pytest.mark.parametrize("method", ["FOO", "PROPFIND", "BREW", "DELETE"])
def test_an_unknown_or_undeclared_method_gets_api_gateways_403_json(method):
    status, headers, body, calls = _exchange(
        f"{method} /search HTTP/1.1\r\nHost: x\r\n\r\n".encode()
    )
    assert (status, body) == (403, {"message": "Missing Authentication Token"})
    assert headers["content-type"] == "application/json"
    assert calls == []


@pytest.mark.parametrize("length", [MAX_REQUEST_LINE, 70_000])
def test_a_very_long_url_is_a_414_json(length):
    path = "/search?q=" + "b" * length
    status, headers, body, calls = _exchange(f"GET {path} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
    assert status == 414
    assert body == {"message": "Request-URI Too Long"}
    assert headers["content-type"] == "application/json"
    assert calls == []


def test_a_url_within_the_limit_reaches_the_handler():
    path = "/search?q=" + "b" * 10_000  # the longest query the attacks send
    status, _, body, calls = _exchange(f"GET {path} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
    assert (status, body, len(calls)) == (200, {}, 1)


@pytest.mark.parametrize("line", [b"GARBAGE\r\n", b"GET /search HTTP/9.9\r\n", b"GET\r\n"])
def test_a_malformed_request_line_is_answered_in_json(line):
    status, headers, body, calls = _exchange(line + b"Host: x\r\n\r\n")
    assert 400 <= status < 500 or status == 505
    assert headers["content-type"] == "application/json"
    assert isinstance(body["message"], str) and body["message"]
    assert calls == []


def test_a_local_route_refusing_a_request_is_a_400_with_its_message():
    def refuse(_query: dict[str, list[str]]) -> Any:
        raise BadLocalRequest("parameter days harus jumlah hari")

    raw = b"GET /_local/insights?days=abc HTTP/1.1\r\nHost: x\r\n\r\n"
    status, headers, body, calls = _exchange(raw, {"/_local/insights": refuse})
    assert (status, body) == (400, {"error": {"message": "parameter days harus jumlah hari"}})
    assert headers["cache-control"] == "no-store"
    assert calls == []
