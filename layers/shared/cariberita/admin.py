"""Index administration: ``python -m cariberita.admin create|status|reindex|rollback|prune``.

The same code runs locally, in tests and in the deploy-time bootstrap function.
``synonyms discover`` reads the archive (the alias, or ``--from-file``) and writes a rules file
of abbreviation and nickname synonyms for editors to review and apply (admin_discover.py,
docs/analysis.md). ``synonyms weigh`` counts how much each synonym form weighs in the archive,
for ranking (docs/search.md, "Form weights"; index/form_weights.py).
``rules apply FILE | check FILE | show | history | rollback VERSION`` manages the editors' search
rules and ``insights --days 7`` lists top, zero-result and weak queries (docs/editors.md).
``stories mark`` gives every copy of a copied story its ``shared_story`` flag (ingest keeps it;
this catches up after copies written in the same second, index/shared_stories.py).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from opensearchpy import NotFoundError, OpenSearch

from cariberita import admin_discover
from cariberita.config import Settings
from cariberita.errors import ConfigurationError
from cariberita.index import manager, reindex, reindex_versions, shared_stories
from cariberita.index.reindex_errors import ReindexError
from cariberita.ingest.opensearch_indexes import tombstones_index
from cariberita.opensearch_client import build_client
from cariberita.rules import cli as rules_cli


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="cariberita-admin", description=__doc__)
    parser.add_argument(
        "command",
        choices=[
            "create",
            "status",
            "reindex",
            "rollback",
            "prune",
            "synonyms",
            "rules",
            "insights",
            "stories",
        ],
    )
    parser.add_argument(
        "action",
        nargs="?",
        choices=["discover", "weigh", "mark", *rules_cli.ACTIONS],
        help="synonyms: discover | weigh; stories: mark; "
        "rules: apply FILE | check FILE | show | history | rollback N",
    )
    parser.add_argument("target", nargs="?", help="rules apply/check: FILE; rollback: VERSION")
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
    parser.add_argument(
        "--abandoned",
        action="store_true",
        help="prune: also delete versions newer than the live one (a stopped or rolled-back "
        "reindex's copy) that no _reindex task writes into",
    )
    synonyms = parser.add_argument_group("synonyms discover")
    synonyms.add_argument("--min-articles", type=int, default=2, help="default: 2")
    synonyms.add_argument("--min-consistency", type=float, default=0.8, help="default: 0.8")
    synonyms.add_argument("--limit", type=int, help="at most this many pairs, most frequent first")
    synonyms.add_argument(
        "--out",
        type=Path,
        help="rules file to write (default: stdout): through the index, the rules in force plus"
        " the proposals; rules check/apply take it as it is",
    )
    synonyms.add_argument(
        "--from-file",
        type=Path,
        help="NDJSON (optionally .gz) of articles instead of the alias; offline, so the file"
        " holds the proposals only; lines that are not JSON articles are skipped and counted",
    )
    editors = parser.add_argument_group("insights (docs/editors.md)")
    editors.add_argument("--days", type=int, default=7, help="insights: last N days (default 7)")
    editors.add_argument("--analytics-file", help="insights: the local stack's search log file")
    editors.add_argument("--log-group", help="insights: the search function's log group (AWS)")
    args = parser.parse_args(argv)
    if args.command == "insights":
        return rules_cli.run_insights(args.days, args.analytics_file, args.log_group)
    if args.command == "rules":
        if args.action not in rules_cli.ACTIONS:
            parser.error("rules apply FILE | check FILE | show | history | rollback VERSION")
    elif (args.command == "synonyms") != (args.action in ("discover", "weigh")):
        parser.error(
            "'discover' and 'weigh' go with 'synonyms' only: cariberita-admin synonyms weigh"
        )
    elif (args.command == "stories") != (args.action == "mark"):
        parser.error("'mark' goes with 'stories' only: cariberita-admin stories mark")
    if args.action == "discover" and args.from_file:
        return admin_discover.from_file(args)
    try:
        settings = Settings.from_env()
    except ConfigurationError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    alias = args.alias or settings.articles_index
    client = build_client(settings)
    if args.command == "rules":
        return rules_cli.run(client, alias, args.action, args.target)
    if args.command == "synonyms":
        try:
            if args.action == "weigh":
                return weigh_synonyms(client, alias)
            return admin_discover.from_index(client, alias, args)
        except NotFoundError:
            print(f"error: no index or alias {alias!r}", file=sys.stderr)
            return 1
    if args.command == "create":
        action = manager.ensure_index(client, alias, replicas=args.replicas)
        result = {"action": action, **manager.status(client, alias).as_dict()}
    elif args.command == "status":
        result = manager.status(client, alias).as_dict()
    elif args.command == "stories":
        # On the live version itself: the operator never writes through the alias.
        try:
            live = reindex_versions.live_index(client, alias)
        except ReindexError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 1
        try:
            marked = shared_stories.mark_all(client, live, tombstones_index(alias), _progress)
        except shared_stories.MarkingFailed as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 1
        result = {"alias": alias, "index": live, "marked": marked}
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
    """reindex, rollback (index.reindex), prune (index.reindex_versions); docs/operations.md."""
    if args.command == "reindex":
        return reindex.reindex(
            client, alias, args.to_version, delete_old=args.delete_old, progress=_progress
        )
    if args.command == "rollback":
        return reindex.rollback(client, alias, args.to_version, progress=_progress)
    deleted = reindex_versions.prune(client, alias, keep=args.keep, abandoned=args.abandoned)
    return {"deleted": deleted}


def weigh_synonyms(client: OpenSearch, alias: str) -> int:
    """Count the shipped and the editors' synonym forms in the archive and store their weights,
    which every search function then uses within its cache's 10 minutes."""
    from cariberita.index import form_weights
    from cariberita.rules.cache import RulesCache
    from cariberita.rules.opensearch_store import OpenSearchRulesStore

    store = OpenSearchRulesStore(client, alias)
    forms = {form for group in RulesCache(store).get().synonyms.groups() for form in group}
    try:
        counted = form_weights.weigh(client, alias, forms)
    except form_weights.TooFewArticles as exc:
        print(f"error: {exc}: the shipped reference weights stay in force", file=sys.stderr)
        return 1
    store.save_form_weights(counted)
    summary = {"alias": alias, "articles": counted.articles, "forms": len(forms)}
    print(json.dumps({**summary, "weighed": len(counted.weights)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
