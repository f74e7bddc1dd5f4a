"""Index administration: ``python -m cariberita.admin create|status|reindex|rollback|prune``.

The same code runs locally, in tests and in the deploy-time bootstrap function.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from opensearchpy import OpenSearch

from cariberita.config import Settings
from cariberita.errors import ConfigurationError
from cariberita.index import manager, reindex
from cariberita.index.reindex import ReindexError
from cariberita.opensearch_client import build_client


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="cariberita-admin", description=__doc__)
    parser.add_argument("command", choices=["create", "status", "reindex", "rollback", "prune"])
    parser.add_argument("--alias", help="alias to manage (default: ARTICLES_INDEX or 'articles')")
    parser.add_argument(
        "--replicas", type=int, help="replica count (default: 0 on create, unchanged after)"
    )
    parser.add_argument(
        "--to-version", type=int, help="reindex: target version; rollback: version to go back to"
    )
    parser.add_argument(
        "--delete-old", action="store_true", help="reindex: delete the old version after the swap"
    )
    parser.add_argument(
        "--keep", type=int, default=1, help="prune: older versions kept for a rollback (default 1)"
    )
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
    elif args.command in ("reindex", "rollback", "prune"):
        try:
            result = _migrate(client, alias, args)
        except ReindexError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 1
    print(json.dumps(result, indent=2))
    return 0


def _progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _migrate(client: OpenSearch, alias: str, args: argparse.Namespace) -> dict[str, Any]:
    """reindex, rollback and prune (cariberita.index.reindex; docs/operations.md)."""
    if args.command == "reindex":
        return reindex.reindex(
            client, alias, args.to_version, delete_old=args.delete_old, progress=_progress
        )
    if args.command == "rollback":
        return reindex.rollback(client, alias, args.to_version, progress=_progress)
    return {"deleted": reindex.prune(client, alias, keep=args.keep)}


if __name__ == "__main__":
    sys.exit(main())
