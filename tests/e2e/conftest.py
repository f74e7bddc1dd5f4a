"""The local stack (``python -m cariberita_local.run``) and headless Chromium, once per session.

The stack runs as a subprocess on free ports with its own index alias and bucket (never the
``articles`` alias a developer's ``make run`` uses), loads the project's samples through the
real S3 -> SQS -> ingest path, and is stopped with SIGINT (like Ctrl-C) at the end.
Chromium is Debian's (``/usr/bin/chromium``): ``playwright install`` is never needed.
"""

from __future__ import annotations

import os
import queue
import re
import signal
import socket
import struct
import subprocess
import sys
import threading
import time
import uuid
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
START_TIMEOUT_S = 600


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Stack:
    api_url: str
    s3_endpoint: str
    bucket: str
    alias: str
    process: subprocess.Popen
    output: list[str] = field(default_factory=list)


def _read_lines(stream, lines: queue.Queue) -> None:
    for line in stream:
        lines.put(line)
    lines.put(None)


@pytest.fixture(scope="session")
def local_stack(opensearch_endpoint: str, os_client) -> Iterator[Stack]:
    from cariberita.index.manager import aliased_indices

    tag = uuid.uuid4().hex[:8]
    api_port, s3_port = free_port(), free_port()
    alias, bucket = f"e2e-{tag}", f"e2e-berita-{tag}"
    env = {**os.environ, "OPENSEARCH_ENDPOINT": opensearch_endpoint, "PYTHONUNBUFFERED": "1"}
    for name in [k for k in env if k.startswith("AWS_ENDPOINT_URL")]:
        env.pop(name)  # the stack points boto3 at its own S3, not at another fixture's
    command = [
        sys.executable, "-m", "cariberita_local.run",
        "--api-port", str(api_port), "--s3-port", str(s3_port),
        "--index", alias, "--bucket", bucket,
    ]  # fmt: skip
    process = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    lines: queue.Queue = queue.Queue()
    threading.Thread(target=_read_lines, args=(process.stdout, lines), daemon=True).start()
    stack = Stack(
        f"http://127.0.0.1:{api_port}", f"http://127.0.0.1:{s3_port}", bucket, alias, process
    )
    deadline = time.monotonic() + START_TIMEOUT_S
    try:
        while True:
            line = lines.get(timeout=max(1, deadline - time.monotonic()))
            if line is None:
                pytest.fail(
                    "the local stack exited:\n" + "".join(stack.output[-60:]), pytrace=False
                )
            stack.output.append(line)
            if line.startswith("ready"):
                break
    except queue.Empty:
        process.kill()
        pytest.fail(
            "the local stack did not get ready:\n" + "".join(stack.output[-60:]), pytrace=False
        )
    yield stack
    process.send_signal(signal.SIGINT)
    try:
        process.wait(timeout=60)
    except subprocess.TimeoutExpired:
        process.kill()
    for index in aliased_indices(os_client, alias):
        os_client.indices.delete(index=index, ignore_unavailable=True)
    # The ingest and rules bookkeeping beside the alias (<alias>-uploads, -tombstones, -rules).
    for index in os_client.indices.get(index=f"{alias}-*", ignore_unavailable=True):
        os_client.indices.delete(index=index, ignore_unavailable=True)
    (ROOT / ".local" / "analytics" / f"{bucket}-search.jsonl").unlink(missing_ok=True)


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    from playwright.sync_api import expect, sync_playwright

    # The machine is small and shared: wait for the page as long as a slow reader would.
    expect.set_options(timeout=15_000)

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


# The samples' pictures (samples/batch-salinan.ndjson) live on a host that does not exist; the
# browser gets a small picture for them, and a 404 for the ones named "rusak" (broken).
PICTURES = re.compile(r"^https://gambar\.contoh-berita\.id/")
ELSEWHERE = re.compile(r"^https?://(?!127\.0\.0\.1[:/])")


def png(width: int, height: int, rgb: tuple[int, int, int]) -> bytes:
    """A plain-colour PNG (no imaging library needed)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    rows = b"".join(b"\x00" + bytes(rgb) * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


PICTURE = png(120, 80, (64, 120, 150))


def _picture(route) -> None:
    if "rusak" in route.request.url:
        route.fulfill(status=404, body="")
    else:
        route.fulfill(body=PICTURE, content_type="image/png")


def new_page(browser, url: str, **context_options):
    """A fresh context (its own profile), desktop size, Indonesian, that reaches only this
    machine: other hosts are refused, the samples' picture host is answered locally."""
    options = {"viewport": {"width": 1280, "height": 900}, "locale": "id-ID", **context_options}
    context = browser.new_context(**options)
    context.route(ELSEWHERE, lambda route: route.abort())
    context.route(PICTURES, _picture)  # registered last, so tried first
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(url)
    return page


@pytest.fixture
def page(browser, local_stack: Stack):
    """The demo search page in a fresh browser context."""
    page = new_page(browser, f"{local_stack.api_url}/")
    yield page
    page.context.close()


@pytest.fixture
def article_page(browser, local_stack: Stack):
    """The demo article page (web/artikel.html) with the "Baca Juga" widget."""
    page = new_page(browser, f"{local_stack.api_url}/static/artikel.html")
    yield page
    page.context.close()


@pytest.fixture(scope="session")
def axe_source() -> str:
    """axe-core's script (tests/e2e/axe_core.py: npm pack once into the project's cache)."""
    from tests.e2e.axe_core import axe_script

    return axe_script()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@pytest.fixture
def closed_api_url() -> str:
    """An API URL where nothing listens: the API is down."""
    return f"http://127.0.0.1:{free_port()}/"
