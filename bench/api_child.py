"""Child process of the concurrency benchmark: the local API (real search handler) on loopback.

Prints its URL on one line, then serves until stdin closes. A separate process, so the load
generator's threads do not share a GIL with the server.
"""

from __future__ import annotations

import sys


def main() -> None:
    containers = int(sys.argv[1]) if len(sys.argv) > 1 else 16
    from cariberita_local.api_server import LocalApi

    api = LocalApi.for_search_function(containers=containers, host="127.0.0.1", port=0)
    print(api.start(), flush=True)
    sys.stdin.read()
    api.stop()


if __name__ == "__main__":
    main()
