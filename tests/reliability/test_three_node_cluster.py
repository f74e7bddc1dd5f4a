"""A three-node cluster under faults while editors upload and readers search.

Runs on the loopback cluster of ``tools/scripts/opensearch-local.sh start-cluster`` (9201-9203;
started and stopped here), never on the shared node. The articles index has 3 shards and 1
replica. In each scenario corpus articles go through the ingest handler (SQS-style delivery
and redelivery) while the search handler answers one search every 50 ms, and during both:
(a) a data node is killed with SIGKILL, (b) it is started again, (c) every node is restarted
in turn, (d) the index is reindexed to a new version. The handlers talk to the cluster
through a loopback balancer that connects to the first node that accepts, as a domain's
endpoint spreads over its nodes.

Per scenario: searches that failed (anything but 200; a 503 must come back within the
search's retry budget), articles lost and duplicated, time to green. It takes about 4-6
minutes on 2 cores, so it runs only with ``RELIABILITY_CLUSTER=1``: ``make reliability-cluster``.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import socketserver
import subprocess
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from itertools import islice
from typing import Any

import pytest
from cariberita.config import Settings
from cariberita.index import manager, reindex, reindex_check, reindex_versions
from cariberita.opensearch_client import build_client

from tests.reliability.harness import Delivery, budget_context
from tests.support.corpus import read_corpus
from tests.support.handlers import LambdaContext, api_gateway_event, load_handler
from tests.support.paths import ROOT

pytestmark = pytest.mark.skipif(
    os.environ.get("RELIABILITY_CLUSTER") != "1",
    reason="three-node cluster scenarios: make reliability-cluster (RELIABILITY_CLUSTER=1)",
)
PORTS = (9201, 9202, 9203)
ENTRY = f"http://127.0.0.1:{PORTS[0]}"


class Balancer(socketserver.ThreadingTCPServer):
    """TCP on 127.0.0.1:<free port> to the first cluster node that accepts the connection."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Pipe)
        self.turn = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class _Pipe(socketserver.BaseRequestHandler):
    def handle(self) -> None:
        server: Any = self.server
        server.turn += 1
        for k in range(len(PORTS)):
            try:
                upstream = socket.create_connection(("127.0.0.1", PORTS[(server.turn + k) % 3]), 1)
                break
            except OSError:
                continue
        else:
            return  # every node down: the client sees a closed connection
        with upstream:
            pump = threading.Thread(target=_copy, args=(upstream, self.request), daemon=True)
            pump.start()
            _copy(self.request, upstream)
            pump.join(timeout=60)


def _copy(src: socket.socket, dst: socket.socket) -> None:
    try:
        while data := src.recv(65536):
            dst.sendall(data)
    except OSError:
        pass
    finally:
        with contextlib.suppress(OSError):
            dst.shutdown(socket.SHUT_WR)


PER_SCENARIO = 750
PER_UPLOAD = 50
WORDS = ("banjir", "presiden", "sepak bola", "harga beras", "pemkot", "gempa", "pilkada")
RETRY_BUDGET_S = 10.0  # OPENSEARCH_TIMEOUT_S x (1 + OPENSEARCH_MAX_RETRIES)


def script(*args: str, port: int | None = None) -> str:
    env = {k: v for k, v in os.environ.items() if k != "OPENSEARCH_ENDPOINT"}
    if port is not None:
        env.update(OPENSEARCH_CLUSTER="1", OPENSEARCH_PORT=str(port), OPENSEARCH_HEAP="512m")
    proc = subprocess.run(
        [str(ROOT / "tools" / "scripts" / "opensearch-local.sh"), *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    if proc.returncode != 0 and args[0] != "pid":
        pytest.fail(f"opensearch-local.sh {' '.join(args)}: {proc.stderr[-2000:]}", pytrace=False)
    return proc.stdout.strip()


@pytest.fixture(scope="module")
def cluster() -> Iterator[Any]:
    script("start-cluster")
    client = build_client(Settings(OPENSEARCH_ENDPOINT=ENTRY, OPENSEARCH_TIMEOUT_S=30))
    try:
        yield client
    finally:
        script("stop-cluster")


@pytest.fixture(scope="module")
def alias(cluster) -> Iterator[str]:
    name = f"t-cluster-{os.getpid()}"
    manager.ensure_index(cluster, name, replicas=1, shards=3)
    cluster.cluster.health(index=name, wait_for_status="green", timeout="120s", request_timeout=130)
    yield name
    for index in reindex_versions.versions(cluster, name):
        cluster.indices.delete(index=index, ignore_unavailable=True)


@pytest.fixture(scope="module")
def corpus(article_data_dir) -> Iterator[dict[str, Any]]:
    path = article_data_dir / "corpus" / "clickid-news.jsonl.gz"
    unique = {a["id"]: a for a in islice(read_corpus(path), 4 * PER_SCENARIO + 500)}
    return iter(unique.values())


@pytest.fixture(scope="module")
def env(alias) -> Iterator[None]:
    balancer = Balancer()
    threading.Thread(target=balancer.serve_forever, daemon=True).start()
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("OPENSEARCH_ENDPOINT", balancer.url)
        mp.setenv("ARTICLES_INDEX", alias)
        mp.setenv("CURSOR_SECRET", "three-node-cluster-secret-0123456789")
        mp.setenv("POWERTOOLS_METRICS_DISABLED", "true")
        mp.setenv("OPENSEARCH_TIMEOUT_S", "5")
        mp.setenv("OPENSEARCH_MAX_RETRIES", "1")
        yield
    balancer.shutdown()
    balancer.server_close()


class Traffic:
    """Searches every 50 ms and uploads in the background while a fault is injected."""

    def __init__(self, bucket: str, articles: list[dict[str, Any]]) -> None:
        self.bucket, self.articles = bucket, articles
        self.statuses: Counter[int] = Counter()
        self.slowest_503_s = 0.0
        self.stop = threading.Event()
        self.delivery = Delivery(load_handler("ingest"), bucket)
        self.threads = [
            threading.Thread(target=self._search),
            threading.Thread(target=self._ingest),
        ]

    def _search(self) -> None:
        handler, n = load_handler("search"), 0
        while not self.stop.is_set():
            began = time.monotonic()
            status = handler(api_gateway_event("/search", {"q": WORDS[n % 7]}), LambdaContext())
            code = status["statusCode"]
            self.statuses[code] += 1
            if code == 503:
                self.slowest_503_s = max(self.slowest_503_s, time.monotonic() - began)
            n += 1
            time.sleep(0.05)

    def _ingest(self) -> None:
        messages = [
            self.delivery.upload(f"uploads/c/{a0['id']}.ndjson", self.articles[n : n + PER_UPLOAD])
            for n, a0 in enumerate(self.articles)
            if n % PER_UPLOAD == 0
        ]
        for message in messages:
            self.delivery.until_done([message], budget_context, max_rounds=30)
            time.sleep(0.3)

    def __enter__(self) -> Traffic:
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *_: Any) -> None:
        self.threads[1].join(timeout=600)
        time.sleep(1.0)
        self.stop.set()
        self.threads[0].join(timeout=60)


def time_to_green(client: Any, since: float) -> float:
    client.cluster.health(wait_for_status="green", timeout="300s", request_timeout=310)
    return round(time.monotonic() - since, 1)


def run(
    scenario: str,
    injected: str,
    fault: Callable[[Any], float],
    cluster: Any,
    alias: str,
    corpus: Iterator[dict[str, Any]],
    bucket: str,
    record: Callable[..., None],
    sent: set[str],
) -> None:
    articles = list(islice(corpus, PER_SCENARIO))
    with Traffic(bucket, articles) as traffic:
        time.sleep(2.0)
        began = fault(cluster)
    green_s = time_to_green(cluster, began)
    sent |= {a["id"] for a in articles}
    present = reindex_check.id_versions(cluster, manager.aliased_indices(cluster, alias)[0])
    failed = sum(n for code, n in traffic.statuses.items() if code != 200)
    non_503 = sum(n for code, n in traffic.statuses.items() if code not in (200, 503))
    figures = {
        "injected": injected,
        "articles": len(sent),
        "requests": sum(traffic.statuses.values()),
        "searches_failed": failed,
        "searches_failed_not_503": non_503,
        "slowest_503_s": round(traffic.slowest_503_s, 2),
        "lost": len(sent - set(present)),
        "duplicated": cluster.count(index=alias)["count"] - len(present),
        "time_to_green_s": green_s,
        "redeliveries": traffic.delivery.redeliveries,
    }
    record(f"cluster/{scenario}", **figures)
    print(scenario, figures)
    assert figures["requests"] > 20, "the search thread ran (a failed import stops it)"
    assert figures["lost"] == 0 and figures["duplicated"] == 0
    assert non_503 == 0 and traffic.slowest_503_s <= RETRY_BUDGET_S


def kill_node(port: int) -> Callable[[Any], float]:
    def fault(_: Any) -> float:
        os.kill(int(script("pid", port=port)), signal.SIGKILL)
        return time.monotonic()

    return fault


def start_node(port: int) -> Callable[[Any], float]:
    def fault(_: Any) -> float:
        began = time.monotonic()
        script("start", port=port)
        return began

    return fault


def rolling_restart(client: Any) -> float:
    began = time.monotonic()
    for port in PORTS:
        script("stop", port=port)
        script("start", port=port)
        client.cluster.health(wait_for_status="green", timeout="300s", request_timeout=310)
    return began


def reindex_now(client: Any, alias: str) -> Callable[[Any], float]:
    def fault(_: Any) -> float:
        began = time.monotonic()
        reindex.reindex(client, alias)
        return began

    return fault


SENT: set[str] = set()
SCENARIOS = [
    ("kill_data_node", "SIGKILL of data node 9203 during ingest and search", kill_node(9203)),
    ("restart_killed_node", "the killed node 9203 started again", start_node(9203)),
    ("rolling_restart", "9201, 9202, 9203 stopped and started in turn (green between)", None),
    ("reindex", "reindex to a new version (3 shards, 1 replica inherited)", None),
]


@pytest.mark.parametrize(
    ("scenario", "injected", "fault"), SCENARIOS, ids=[s[0] for s in SCENARIOS]
)
def test_three_node_cluster_loses_nothing(
    scenario, injected, fault, cluster, alias, corpus, env, s3_bucket, record
):
    if scenario == "rolling_restart":
        fault = rolling_restart
    elif scenario == "reindex":
        fault = reindex_now(cluster, alias)
    if scenario == "kill_data_node":
        # Green after a kill needs the node back or the replicas rebuilt on two nodes; the
        # replicas of the dead node are re-created on the other two after a delay.
        cluster.indices.put_settings(
            index=manager.aliased_indices(cluster, alias)[0],
            body={"index.unassigned.node_left.delayed_timeout": "5s"},
        )
    run(scenario, injected, fault, cluster, alias, corpus, s3_bucket, record, SENT)
