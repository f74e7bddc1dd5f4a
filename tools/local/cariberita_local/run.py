"""``make run``: the whole service on this machine, in the foreground until Ctrl-C.

    python -m cariberita_local.run [--api-port 8080] [--s3-port 4566] [--corpus [FILE]] [--once]

Starts (or reuses) the local OpenSearch, a moto S3 + SQS server whose uploads go through the
real ingest handler, and the local API serving the real search handler and the search page;
creates the index, uploads the project's sample batches, prints the URLs. ``--once`` runs one
search through the API, prints it and exits (exit code 1 if it found nothing).
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import signal
import sys
import threading
import urllib.parse
import urllib.request
import warnings
from types import FrameType

from cariberita_local.s3_local import PortInUse
from cariberita_local.stack import LocalStack, StackConfig

log = logging.getLogger("cariberita_local")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="cariberita_local.run", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--host", default="127.0.0.1", help="interface to listen on (loopback)")
    parser.add_argument("--api-port", type=int, default=int(os.environ.get("API_PORT", 8080)))
    parser.add_argument("--s3-port", type=int, default=int(os.environ.get("S3_PORT", 4566)))
    parser.add_argument("--bucket", default=os.environ.get("BUCKET", "cariberita-local"))
    parser.add_argument(
        "--index", default=os.environ.get("ARTICLES_INDEX", "articles"), help="index alias"
    )
    parser.add_argument("--no-samples", action="store_true", help="do not upload samples/*")
    parser.add_argument(
        "--corpus",
        nargs="?",
        const="",
        metavar="FILE",
        help="also load a bigger corpus: FILE (NDJSON, .gz allowed), or the shared CLICK-ID file",
    )
    parser.add_argument(
        "--corpus-limit", type=int, help="load only the first N articles of the corpus"
    )
    parser.add_argument(
        "--once", "--check", action="store_true", help="run one search, print it, exit"
    )
    parser.add_argument("--query", default="pelayanan publik", help="the search --once runs")
    parser.add_argument("--verbose", "-v", action="store_true", help="handler logs and requests")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="[%(name)s] %(message)s",
    )
    # moto's server logs every request through werkzeug; keep the console for what matters.
    logging.getLogger("werkzeug").setLevel(logging.INFO if args.verbose else logging.WARNING)
    logging.getLogger("opensearch").setLevel(logging.INFO if args.verbose else logging.ERROR)
    warnings.filterwarnings("ignore", message="No application metrics to publish")
    # SIGTERM behaves like Ctrl-C, also while starting up, so `finally` stops what was started.
    signal.signal(signal.SIGTERM, _interrupt)
    config = StackConfig(
        host=args.host,
        api_port=args.api_port,
        s3_port=args.s3_port,
        bucket=args.bucket,
        index=args.index,
        verbose=args.verbose,
    )
    stack = LocalStack(config)
    try:
        say("starting OpenSearch, local S3 + SQS and the local API ...")
        stack.start()
        if not args.no_samples:
            keys = stack.upload_samples()
            say(f"ingested {len(keys)} sample batches through the ingest handler:")
            for key in keys:
                say(f"  {key:32} {report_summary(stack.report(key))}")
        if args.corpus is not None:
            from cariberita_local.load_corpus import default_corpus, load_corpus

            path = args.corpus or str(default_corpus())
            load_corpus(path, stack.s3, limit=args.corpus_limit)
            stack.refresh()
        say(banner(stack))
        if args.once:
            return search_once(stack, args.query)
        say("ready (Ctrl-C stops everything started here)", flush=True)
        threading.Event().wait()
        return 0
    except KeyboardInterrupt:
        return 0
    except (PortInUse, FileNotFoundError, TimeoutError) as exc:  # expected: the message says it all
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except Exception as exc:
        log.exception("the local stack failed")
        print(f"error: {exc}", file=sys.stderr)
        return 1
    finally:
        # A second Ctrl-C must not cut the clean-up short.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        say("stopping ...")
        stack.stop()


def _interrupt(_signum: int, _frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def banner(stack: LocalStack) -> str:
    assert stack.api and stack.s3
    api, s3, bucket = stack.api.url, stack.s3.endpoint, stack.config.bucket
    return "\n".join(
        [
            "",
            f"  search page   {api}/",
            f"  editors' page {api}/editor.html   (rules in force, query insights)",
            f"  API           {api}/search?q=pelayanan",
            "                (also /suggest?q=, /articles/{id}, /categories, /health)",
            f"  OpenSearch    {stack.opensearch_endpoint}   index alias '{stack.config.index}'",
            f"  S3 endpoint   {s3}   bucket '{bucket}'",
            f"                reports under s3://{bucket}/{stack.config.reports_prefix}",
            f"  search log    {stack.config.analytics_file}",
            "                (cariberita-admin insights --analytics-file FILE)",
            "",
            "  upload a batch:",
            f"    AWS_ACCESS_KEY_ID=local AWS_SECRET_ACCESS_KEY=local aws --endpoint-url {s3} \\",
            f"      s3 cp samples/batch-berita.ndjson s3://{bucket}/uploads/batch-berita.ndjson",
            "  or with boto3 (any credentials; region ap-southeast-3):",
            f"    boto3.client('s3', endpoint_url='{s3}')"
            f".upload_file('batch.ndjson', '{bucket}', 'uploads/batch.ndjson')",
            "  or the editors' tool:",
            f"    AWS_ENDPOINT_URL_S3={s3} AWS_ACCESS_KEY_ID=local AWS_SECRET_ACCESS_KEY=local \\",
            f"      .venv/bin/cariberita-batch upload samples/halaman.html --bucket {bucket}",
            "",
        ]
    )


def report_summary(raw: bytes | None) -> str:
    """``indexed 24, rejected 0`` from an ingestion report (or why there is none)."""
    if raw is None:
        return "no report"
    try:
        report = json.loads(raw)
    except ValueError:
        return "unreadable report"
    counts = report.get("counts") or {}
    shown = ", ".join(f"{name} {value}" for name, value in counts.items() if value)
    return f"{report.get('status', '')} {shown}".strip() or "empty"


def search_once(stack: LocalStack, query: str) -> int:
    """One search through the local API over HTTP; 0 if it answered 200 with results."""
    assert stack.api
    url = f"{stack.api.url}/search?{urllib.parse.urlencode({'q': query})}"
    try:
        with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310 - our loopback API
            status, body = response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        status, body = exc.code, json.loads(exc.read() or b"{}")
    say(f"GET {url} -> {status}")
    say(json.dumps(body, ensure_ascii=False, indent=2)[:4000])
    results = body.get("results") if isinstance(body, dict) else None
    return 0 if status == 200 and results else 1


def say(message: str, flush: bool = True) -> None:
    print(message, flush=flush)


if __name__ == "__main__":
    sys.exit(main())
