"""Child process of the memory benchmark: ingest one S3 object through the handler, report peak RSS.

``python -m bench.memory_child <bucket> <key> <size> <limit_s>``; prints one JSON line. The
invocation gets ``limit_s`` seconds, like a Lambda timeout: the handler stops cleanly when
they run out (SQS would redeliver), which bounds the benchmark's time too. Run in its own
process so its peak resident set is the handler's alone (as in a Lambda container).
"""

from __future__ import annotations

import json
import os
import sys
import time


def _status_mb(field: str) -> float:
    """VmRSS (now) or VmHWM (peak) of this process; unlike ru_maxrss, VmHWM starts afresh at
    exec instead of carrying over the parent's peak."""
    with open("/proc/self/status", encoding="ascii") as handle:
        for line in handle:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    return 0.0


def main() -> None:
    bucket, key, size, limit = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
    report = sys.stdout
    sys.stdout = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115 - handler logs: CloudWatch
    from cariberita_local.lambda_runtime import sqs_s3_event

    from bench.env import load_handler
    from bench.events import bench_context, quiet

    handler = load_handler("ingest")
    if handler is None:
        raise SystemExit("functions/ingest/app.py does not exist")
    after_import = _status_mb("VmRSS")
    start = time.perf_counter()
    with quiet():
        result = handler.lambda_handler(sqs_s3_event(bucket, key, size=size), bench_context(limit))
    seconds = time.perf_counter() - start
    peak = _status_mb("VmHWM")
    print(
        json.dumps(
            {
                "after_import_mb": after_import,
                "peak_mb": peak,
                "seconds": seconds,
                "result": str(result)[:300],
            }
        ),
        file=report,
    )


if __name__ == "__main__":
    main()
