"""Child process of the concurrency benchmark: the local API (real search handler) on loopback.

Prints its URL on one line, then serves until stdin closes. A separate process, so the load
generator's threads do not share a GIL with the server.
"""

from __future__ import annotations

import os
import sys


def main() -> None:
    containers = int(sys.argv[1]) if len(sys.argv) > 1 else 16
    # The handlers' logs and metrics go to /dev/null (Lambda: CloudWatch); stdout is a pipe
    # nobody drains after the URL line, so it must not receive them.
    # The handler containers are processes that inherit file descriptor 1: point it at
    # /dev/null too, and keep a duplicate of the pipe for the URL line.
    report = os.fdopen(os.dup(1), "w", encoding="utf-8")
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    sys.stdout = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115 - for the whole process
    from cariberita_local.api_server import LocalApi

    api = LocalApi.for_search_function(containers=containers, host="127.0.0.1", port=0)
    print(api.start(), file=report, flush=True)
    sys.stdin.read()
    api.stop()


if __name__ == "__main__":
    main()
