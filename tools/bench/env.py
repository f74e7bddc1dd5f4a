"""Where the benchmark's inputs come from: the shared corpus, the local node, local S3, handlers."""

from __future__ import annotations

import gzip
import json
import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

from cariberita_local.lambda_runtime import handler_path, load_handler_module

ROOT = Path(__file__).resolve().parents[2]
OPENSEARCH_SCRIPT = ROOT / "tools" / "scripts" / "opensearch-local.sh"


class BenchError(RuntimeError):
    """A precondition of the whole run is missing (corpus, OpenSearch); stop with this message."""


def corpus_path() -> Path:
    """The shared corpus under ARTICLE_DATA_DIR (default ../shared/data), or a clear error."""
    base = Path(os.environ.get("ARTICLE_DATA_DIR", str(ROOT.parent / "shared" / "data")))
    path = base / "corpus" / "clickid-news.jsonl.gz"
    if not path.is_file():
        raise BenchError(
            f"the benchmark needs the shared CLICK-ID corpus at {path}: set ARTICLE_DATA_DIR to "
            "the folder holding corpus/clickid-news.jsonl.gz (see docs/data.md for how to get it)"
        )
    return path


def read_corpus(path: Path, limit: int | None = None) -> list[dict[str, Any]]:
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        out = []
        for line in handle:
            if limit is not None and len(out) >= limit:
                break
            out.append(json.loads(line))
        return out


def opensearch_endpoint(port: int | None = None, heap: str | None = None) -> str:
    """Start (or reuse) a local node (tools/scripts/opensearch-local.sh) and return its URL."""
    env = dict(os.environ)
    if port is not None:
        env.pop("OPENSEARCH_ENDPOINT", None)
        env["OPENSEARCH_PORT"] = str(port)
    if heap is not None:
        env["OPENSEARCH_HEAP"] = heap
    proc = subprocess.run(  # noqa: S603 - our own script
        [str(OPENSEARCH_SCRIPT), "start"], capture_output=True, text=True, timeout=900, env=env
    )
    if proc.returncode != 0:
        raise BenchError("OpenSearch could not be started or reached:\n" + proc.stderr[-3000:])
    return proc.stdout.strip().splitlines()[-1]


def stop_opensearch(port: int) -> None:
    env = {**os.environ, "OPENSEARCH_PORT": str(port)}
    env.pop("OPENSEARCH_ENDPOINT", None)
    subprocess.run([str(OPENSEARCH_SCRIPT), "stop"], capture_output=True, timeout=120, env=env)  # noqa: S603


def client_for(endpoint: str, timeout: float = 120.0) -> Any:
    from cariberita.config import Settings
    from cariberita.opensearch_client import build_client

    return build_client(Settings(OPENSEARCH_ENDPOINT=endpoint, OPENSEARCH_TIMEOUT_S=timeout))


def unique(prefix: str) -> str:
    """Index names are ours alone on a node other engineers share."""
    return f"bench-{prefix}-{uuid.uuid4().hex[:8]}"


def load_handler(function: str) -> ModuleType | None:
    """``functions/<function>/app.py`` loaded as Lambda does, or None while it does not exist."""
    return load_handler_module(function) if handler_path(function).is_file() else None


class MotoS3:
    """A moto S3 server in its own process on loopback, so serving S3 never competes with the
    measured code for this process's GIL; boto3 here and in children finds it via env."""

    def __init__(self) -> None:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        self.endpoint = f"http://127.0.0.1:{port}"
        self._proc = subprocess.Popen(  # noqa: S603 - moto's own server from our venv
            [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        os.environ.update(
            {
                "AWS_ENDPOINT_URL_S3": self.endpoint,
                "AWS_ACCESS_KEY_ID": "testing",
                "AWS_SECRET_ACCESS_KEY": "testing",
                "AWS_DEFAULT_REGION": "ap-southeast-3",
                "AWS_REGION": "ap-southeast-3",
            }
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    return
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise BenchError("the moto S3 server did not start")

    def bucket(self) -> str:
        import boto3

        name = unique("berita")
        boto3.client("s3").create_bucket(
            Bucket=name, CreateBucketConfiguration={"LocationConstraint": "ap-southeast-3"}
        )
        return name

    def stop(self) -> None:
        self._proc.terminate()
        try:
            self._proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._proc.kill()


def iter_lines(path: Path) -> Iterator[bytes]:
    with gzip.open(path, "rb") as handle:
        yield from handle
