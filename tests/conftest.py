"""Fixtures shared by every tier.

OpenSearch is always real: the session starts a local node through tools/scripts/opensearch-local.sh
(or uses OPENSEARCH_ENDPOINT) and *fails* when none can be had, so a broken install never
passes as a skipped suite. S3 is moto in server mode: a real HTTP S3 API on loopback.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.support.corpus import DATA_HELP
from tests.support.events import load_event
from tests.support.handlers import LambdaContext
from tests.support.names import unique_name
from tests.support.paths import ROOT

# The folder decides the markers, so a test cannot end up in the wrong tier by a missing one.
# Reliability scenarios run against the real node, like the integration tier.
TIERS = {
    "unit": ("unit",),
    "integration": ("integration",),
    "e2e": ("e2e",),
    "reliability": ("reliability", "integration"),
    "policy": ("policy",),
}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        parts = Path(str(item.path)).resolve().relative_to(ROOT).parts
        for marker in TIERS.get(parts[1], ()) if len(parts) > 2 else ():
            item.add_marker(getattr(pytest.mark, marker))


# --- OpenSearch -------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def opensearch_endpoint() -> str:
    endpoint = os.environ.get("OPENSEARCH_ENDPOINT")
    script = ROOT / "tools" / "scripts" / "opensearch-local.sh"
    proc = subprocess.run([str(script), "start"], capture_output=True, text=True, timeout=900)
    if proc.returncode != 0:
        pytest.fail(
            "OpenSearch could not be started or reached; the integration tiers need a real node:\n"
            + proc.stderr[-4000:],
            pytrace=False,
        )
    endpoint = endpoint or proc.stdout.strip().splitlines()[-1]
    os.environ["OPENSEARCH_ENDPOINT"] = endpoint
    return endpoint


@pytest.fixture(scope="session")
def settings(opensearch_endpoint: str):
    from cariberita.config import Settings

    return Settings(OPENSEARCH_ENDPOINT=opensearch_endpoint, OPENSEARCH_TIMEOUT_S=30)


@pytest.fixture(scope="session")
def os_client(settings):
    from cariberita.opensearch_client import build_client

    return build_client(settings)


def _delete_ingest_side_indexes(os_client, alias: str) -> None:
    """The ingest writer's ``<alias>-uploads`` and ``<alias>-tombstones`` (created on first use)."""
    side = f"{alias}-uploads,{alias}-tombstones"
    os_client.indices.delete(index=side, ignore_unavailable=True)


@pytest.fixture(scope="module")
def index_alias(os_client, request) -> Iterator[str]:
    """A freshly created articles index (alias + concrete version) for one test module."""
    from cariberita.index.manager import aliased_indices, ensure_index

    module = request.module.__name__.rsplit(".", 1)[-1].replace("_", "-")
    alias = unique_name(f"t-{module}"[:40])
    ensure_index(os_client, alias)
    yield alias
    for index in aliased_indices(os_client, alias):
        os_client.indices.delete(index=index, ignore_unavailable=True)
    _delete_ingest_side_indexes(os_client, alias)


@pytest.fixture
def fresh_index_alias(os_client, request) -> Iterator[str]:
    """Like index_alias, but one per test, for tests that must start from an empty index."""
    from cariberita.index.manager import aliased_indices, ensure_index

    alias = unique_name(
        "t-" + request.node.name[:30].lower().replace("_", "-").replace("[", "-").replace("]", "")
    )
    ensure_index(os_client, alias)
    yield alias
    for index in aliased_indices(os_client, alias):
        os_client.indices.delete(index=index, ignore_unavailable=True)
    _delete_ingest_side_indexes(os_client, alias)


# --- S3 (moto server) -----------------------------------------------------------------------------


@pytest.fixture(scope="session")
def s3_endpoint() -> Iterator[str]:
    """A moto S3 server on loopback; boto3 finds it through AWS_ENDPOINT_URL_S3."""
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    previous = {k: os.environ.get(k) for k in _AWS_ENV}
    os.environ.update(
        {
            "AWS_ENDPOINT_URL_S3": endpoint,
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_DEFAULT_REGION": "ap-southeast-3",
            "AWS_REGION": "ap-southeast-3",
        }
    )
    yield endpoint
    server.stop()
    for key, value in previous.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


_AWS_ENV = (
    "AWS_ENDPOINT_URL_S3",
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_DEFAULT_REGION",
    "AWS_REGION",
)


@pytest.fixture
def s3_bucket(s3_endpoint) -> str:
    import boto3

    name = unique_name("berita")
    boto3.client("s3").create_bucket(
        Bucket=name, CreateBucketConfiguration={"LocationConstraint": "ap-southeast-3"}
    )
    return name


# --- Lambda plumbing -----------------------------------------------------------------------------


@pytest.fixture
def lambda_context() -> LambdaContext:
    return LambdaContext()


@pytest.fixture
def event() -> Callable[[str], dict[str, Any]]:
    return load_event


# --- the shared real corpus ---------------------------------------------------------------------


@pytest.fixture(scope="session")
def article_data_dir() -> Path:
    """Where the shared data lives; with ARTICLE_DATA_REQUIRED=1 (CI) it fails, never skips."""
    path = Path(os.environ.get("ARTICLE_DATA_DIR", str(ROOT.parent / "shared" / "data")))
    if not (path / "corpus" / "clickid-news.jsonl.gz").is_file():
        if os.environ.get("ARTICLE_DATA_REQUIRED") == "1":
            pytest.fail(DATA_HELP, pytrace=False)
        pytest.skip(DATA_HELP)
    return path


@pytest.fixture(scope="session")
def corpus_path(article_data_dir: Path) -> Path:
    return article_data_dir / "corpus" / "clickid-news.jsonl.gz"
