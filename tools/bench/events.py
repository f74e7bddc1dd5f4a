"""The benchmark's Lambda context and its quiet output; events come from the local runtime."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator

from cariberita_local.lambda_runtime import LambdaContext


def bench_context(limit_s: float = 900.0) -> LambdaContext:
    """The context of one benchmarked invocation, which has ``limit_s`` seconds."""
    return LambdaContext("cariberita-bench", timeout_s=limit_s, memory_limit_in_mb=1024)


@contextlib.contextmanager
def quiet() -> Iterator[None]:
    """Send what handlers print (Powertools' EMF metric lines) to /dev/null, as Lambda would
    send it to CloudWatch: the cost of printing stays, the terminal stays readable."""
    with open(os.devnull, "w", encoding="utf-8") as sink, contextlib.redirect_stdout(sink):
        yield
