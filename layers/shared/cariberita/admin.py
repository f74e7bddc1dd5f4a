"""Index administration: ``python -m cariberita.admin create|status|reindex``.

The same code runs locally, in tests and in the deploy-time bootstrap function.
"""

from __future__ import annotations

import argparse
import json
import sys

from cariberita.config import Settings
from cariberita.errors import ConfigurationError
from cariberita.index import manager
from cariberita.opensearch_client import build_client


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="cariberita-admin", description=__doc__)
    parser.add_argument("command", choices=["create", "status", "reindex"])
    parser.add_argument("--alias", help="alias to manage (default: ARTICLES_INDEX or 'articles')")
    parser.add_argument(
        "--replicas", type=int, help="replica count (default: 0 on create, unchanged after)"
    )
    parser.add_argument("--to-version", type=int, help="reindex: target version number")
    args = parser.parse_args(argv)
    try:
        settings = Settings.from_env()
    except ConfigurationError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    alias = args.alias or settings.articles_index
    client = build_client(settings)
    if args.command == "create":
        action = manager.ensure_index(client, alias, replicas=args.replicas)
        result = {"action": action, **manager.status(client, alias).as_dict()}
    elif args.command == "status":
        result = manager.status(client, alias).as_dict()
    else:
        result = manager.reindex(client, alias, args.to_version)
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
