"""tools/scripts/opensearch-local.sh survives what a killed session leaves behind.

A session (or CI job) that is killed leaves the node's pid file behind, and the next run on the
same machine must still get a node: once it did not, and every OpenSearch test of a CI run failed.
These tests use a node of their own on another port, never the shared one.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "tools" / "scripts" / "opensearch-local.sh"
PORT = int(os.environ.get("SCRIPT_TEST_NODE_PORT", "9280"))
CACHE = Path(
    os.environ.get(
        "OPENSEARCH_HOME_DIR",
        "/var/cache/cariberita" if os.geteuid() == 0 else Path.home() / ".cache" / "cariberita",
    )
)
PIDFILE = CACHE / f"node-{PORT}" / "opensearch.pid"


def script(action: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "OPENSEARCH_ENDPOINT"}
    env.update(OPENSEARCH_PORT=str(PORT), OPENSEARCH_HEAP="512m")
    return subprocess.run(
        [str(SCRIPT), action], env=env, capture_output=True, text=True, timeout=600
    )


def started() -> str:
    proc = script("start")
    assert proc.returncode == 0, proc.stderr[-3000:]
    return proc.stdout.strip().splitlines()[-1]


def wait_gone(pid: int) -> None:
    for _ in range(100):
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.1)
    raise AssertionError(f"pid {pid} is still alive")


@pytest.fixture(scope="module")
def own_port(opensearch_endpoint) -> Iterator[int]:
    # Depends on the shared node only so that the distribution is installed once, by it.
    yield PORT
    script("stop")


def test_a_stale_pid_file_from_a_killed_node_does_not_block_the_next_start(own_port):
    assert started() == f"http://127.0.0.1:{own_port}"
    killed = int(PIDFILE.read_text())
    os.kill(killed, signal.SIGKILL)  # as a session's end kills it: no `stop`, the pid file stays
    wait_gone(killed)
    assert PIDFILE.is_file()

    assert started() == f"http://127.0.0.1:{own_port}"
    assert int(PIDFILE.read_text()) != killed


def test_stop_never_kills_a_process_that_is_not_our_node(own_port):
    started()
    assert script("stop").returncode == 0
    bystander = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        PIDFILE.write_text(f"{bystander.pid}\n")  # a reused pid number
        proc = script("stop")
        assert proc.returncode == 0 and "no node" in proc.stderr
        assert bystander.poll() is None
    finally:
        bystander.kill()


def test_a_node_that_lost_its_pid_file_is_still_found_and_stopped(own_port):
    started()
    PIDFILE.unlink()
    assert script("start").returncode == 0  # healthy: reused, not started twice
    assert script("stop").returncode == 0
    assert script("status").returncode != 0


def test_a_port_held_by_something_else_is_reported(own_port):
    with socket.socket() as holder:
        holder.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # the node just left it
        holder.bind(("127.0.0.1", own_port))
        holder.listen()
        proc = script("start")
    assert proc.returncode != 0
    assert f"port {own_port} is taken" in proc.stderr


def test_a_red_leftover_index_does_not_block_the_next_start(own_port):
    """A killed run can leave an index that never recovers; the node is still usable."""
    url = started()
    red = request(
        "PUT",
        f"{url}/t-leftover-red?wait_for_active_shards=0",
        # A primary that may live on no node: the index (and so the cluster) stays red.
        {"settings": {"number_of_replicas": 0, "index.routing.allocation.require._name": "x"}},
    )
    assert red.get("acknowledged"), red
    try:
        assert request("GET", f"{url}/_cluster/health")["status"] == "red"
        proc = script("start")  # already running
        assert proc.returncode == 0 and "red" in proc.stderr
        os.kill(int(PIDFILE.read_text()), signal.SIGKILL)
        proc = script("start")  # a fresh node over the same data, still red
        assert proc.returncode == 0, proc.stderr[-3000:]
    finally:
        request("DELETE", f"{url}/t-leftover-red")


def request(method: str, url: str, body: dict | None = None) -> dict:
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(
        url, data=data, method=method, headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(req, timeout=30) as response:
        return json.loads(response.read())
