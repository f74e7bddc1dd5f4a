"""The whole service on one machine: OpenSearch, local S3 + SQS -> ingest, the local API.

:class:`LocalStack` starts the parts in order, remembers which ones it started, and stops only
those (a node that was already running, e.g. the one tests share, is left alone).
"""

from __future__ import annotations

import logging
import os
import secrets
import subprocess
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cariberita.ingest.report import report_key

from cariberita_local.api_server import BadLocalRequest, LocalApi
from cariberita_local.lambda_runtime import ROOT, HandlerPool
from cariberita_local.s3_local import LocalS3, PortInUse

log = logging.getLogger("cariberita_local.stack")

OPENSEARCH_SCRIPT = ROOT / "tools" / "scripts" / "opensearch-local.sh"
SAMPLES = ROOT / "samples"
# Not uploaded by default: configuration, and the deliberately broken batch (it also carries a
# tombstone that would unpublish one of the demo articles; upload it by hand to see a report
# with rejections).
NOT_UPLOADED = {"category-map.json", "batch-rusak.ndjson"}


@dataclass
class StackConfig:
    host: str = "127.0.0.1"
    api_port: int = 8080
    s3_port: int = 4566
    bucket: str = "cariberita-local"
    index: str = "articles"
    reports_prefix: str = "reports/"
    search_containers: int = 4
    verbose: bool = False
    # Where the search containers append their "search" log lines (the local CloudWatch).
    analytics_file: str = ""


@dataclass
class LocalStack:
    config: StackConfig
    opensearch_endpoint: str = ""
    started_opensearch: bool = False
    s3: LocalS3 | None = None
    api: LocalApi | None = None
    sample_keys: list[str] = field(default_factory=list)

    def start(self) -> None:
        self.opensearch_endpoint = self._start_opensearch()
        self._configure_environment()
        self._ensure_index()
        ingest = HandlerPool.of_function("ingest", size=1, timeout_s=900.0)
        self.s3 = LocalS3(ingest.invoke, self.config.bucket, self.config.host, self.config.s3_port)
        self.s3.start()
        try:
            self.api = LocalApi.for_search_function(
                containers=self.config.search_containers,
                host=self.config.host,
                port=self.config.api_port,
                local_routes=editor_routes(self.config),
                on_bound=self._allow_api_origin,
            )
        except OSError as exc:
            raise PortInUse(
                f"API port {self.config.api_port} is in use (another `make run`?): use --api-port"
            ) from exc
        self.api.start()

    def stop(self) -> None:
        """Stop what this stack started, in reverse order; never raises."""
        for part in (self.api, self.s3):
            if part is not None:
                try:
                    part.stop()
                except Exception:  # keep stopping the rest
                    log.exception("stopping %s failed", type(part).__name__)
        if self.started_opensearch:
            # Our own script with fixed arguments.
            subprocess.run([str(OPENSEARCH_SCRIPT), "stop"], check=False, timeout=120)  # noqa: S603

    # --- OpenSearch and settings ------------------------------------------------------------

    def _start_opensearch(self) -> str:
        endpoint = os.environ.get("OPENSEARCH_ENDPOINT")
        if endpoint:
            return endpoint.rstrip("/")
        # The same port the script uses (OPENSEARCH_PORT), so a node it started earlier is reused.
        local = f"http://127.0.0.1:{os.environ.get('OPENSEARCH_PORT', '9200')}"
        if _healthy(local):
            return local
        log.warning("starting the local OpenSearch node (the first start downloads it once)")
        # Set before starting: an interrupted start is still ours to stop.
        self.started_opensearch = True
        proc = subprocess.run(  # noqa: S603 - our own script with fixed arguments
            [str(OPENSEARCH_SCRIPT), "start"], stdout=subprocess.PIPE, text=True, timeout=900
        )
        if proc.returncode != 0:
            raise RuntimeError("OpenSearch could not be started: see the messages above")
        return proc.stdout.strip().splitlines()[-1]

    def _allow_api_origin(self, api: LocalApi) -> None:
        """CORS for the local API's own origin, from the port it is bound to (``--api-port 0``
        picks one), set before the search containers copy the environment."""
        port = api.port
        os.environ.setdefault(
            "CORS_ALLOWED_ORIGINS", f"http://{self.config.host}:{port},http://localhost:{port}"
        )

    def _configure_environment(self) -> None:
        """What the deployed functions get from the template, pointed at the local parts (the
        CORS origin waits for the API's port: :meth:`_allow_api_origin`)."""
        defaults = {
            "CURSOR_SECRET": secrets.token_hex(32),
            "POWERTOOLS_SERVICE_NAME": "cariberita",
            "POWERTOOLS_TRACE_DISABLED": "true",
            "POWERTOOLS_METRICS_DISABLED": "true",
            "POWERTOOLS_LOG_LEVEL": "INFO" if self.config.verbose else "WARNING",
            # Editors trying rules locally see them within seconds (AWS: 30 s).
            "RULES_TTL_S": "5",
        }
        for name, value in defaults.items():
            os.environ.setdefault(name, value)
        os.environ["OPENSEARCH_ENDPOINT"] = self.opensearch_endpoint
        os.environ["ARTICLES_INDEX"] = self.config.index
        os.environ["REPORTS_PREFIX"] = self.config.reports_prefix
        self.config.analytics_file = self.config.analytics_file or str(
            ROOT / ".local" / "analytics" / f"{self.config.bucket}-search.jsonl"
        )
        os.environ["CARIBERITA_ANALYTICS_FILE"] = self.config.analytics_file

    def _ensure_index(self) -> None:
        from cariberita.config import Settings
        from cariberita.index.manager import ensure_index
        from cariberita.opensearch_client import build_client

        client = build_client(Settings.from_env())
        action = ensure_index(client, self.config.index)
        log.info("index %s: %s", self.config.index, action)

    # --- data -------------------------------------------------------------------------------

    def upload_samples(self, samples: Path = SAMPLES, timeout_s: float = 300.0) -> list[str]:
        """Upload every sample batch to the bucket and wait until ingestion acknowledged them."""
        assert self.s3 is not None
        files = sorted(p for p in samples.iterdir() if p.is_file() and p.name not in NOT_UPLOADED)
        keys = []
        for path in files:
            key = f"uploads/samples/{path.name}"
            self.s3.s3.upload_file(str(path), self.config.bucket, key)
            keys.append(key)
        missing = self.s3.wait_until_ingested(keys, timeout_s=timeout_s)
        if missing:
            raise RuntimeError(f"ingestion did not finish for: {', '.join(sorted(missing))}")
        self.sample_keys = keys
        self.refresh()
        return keys

    def refresh(self) -> None:
        """Make everything ingested so far searchable now (not after the refresh interval)."""
        from cariberita.config import Settings
        from cariberita.opensearch_client import build_client

        build_client(Settings.from_env()).indices.refresh(index=self.config.index)

    def report(self, key: str) -> bytes | None:
        """The ingestion report the handler wrote for ``key``, if any."""
        assert self.s3 is not None
        try:
            obj = self.s3.s3.get_object(
                Bucket=self.config.bucket, Key=report_key(self.config.reports_prefix, key)
            )
        except self.s3.s3.exceptions.NoSuchKey:
            return None
        return obj["Body"].read()


def _healthy(endpoint: str) -> bool:
    try:
        with urllib.request.urlopen(f"{endpoint}/_cluster/health", timeout=2) as response:  # noqa: S310 - loopback URL we build
            return response.status == 200
    except OSError:
        return False


MAX_INSIGHT_DAYS = 366


def insights_days(query: dict[str, list[str]]) -> int:
    """``days`` of ``/_local/insights``: digits, 1 to 366 (default 7), else BadLocalRequest."""
    given = query.get("days") or ["7"]
    raw = given[-1].strip()
    if not (raw.isascii() and raw.isdigit()) or not 1 <= int(raw) <= MAX_INSIGHT_DAYS:
        raise BadLocalRequest(
            f"parameter days harus jumlah hari, 1 sampai {MAX_INSIGHT_DAYS}"
            f" (tertulis: {raw[:20]!r})"
        )
    return int(raw)


def editor_routes(config: StackConfig) -> dict[str, Callable[[dict[str, list[str]]], Any]]:
    """``/_local/insights?days=7`` and ``/_local/rules`` for the editors' page (local only)."""

    def insights_route(query: dict[str, list[str]]) -> Any:
        from cariberita.rules import insights

        days = insights_days(query)
        try:
            with open(config.analytics_file, encoding="utf-8") as lines:
                return insights.from_lines(lines, days)
        except FileNotFoundError:
            return insights.from_lines([], days)

    def rules_route(_query: dict[str, list[str]]) -> Any:
        from cariberita.config import Settings
        from cariberita.opensearch_client import build_client
        from cariberita.rules import service
        from cariberita.rules.opensearch_store import OpenSearchRulesStore

        store = OpenSearchRulesStore(build_client(Settings.from_env()), config.index)
        return {"current": service.show(store), "history": service.history(store, 10)}

    return {"/_local/insights": insights_route, "/_local/rules": rules_route}
