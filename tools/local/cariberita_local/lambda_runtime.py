"""Run the real Lambda handlers in-process, the way a Lambda container would.

The one place that knows how: tests, benchmarks and the local stack all import from here.
Each ``functions/<name>/app.py`` is imported as a top-level module from its folder, like the
Lambda runtime does; ``LambdaContext`` is the context object with a deadline; the event builders
make SQS messages carrying S3 notifications and API Gateway REST proxy requests. A pool holds
several independent copies ("containers") because Powertools' resolver keeps the current event
on the app object: one copy must serve one request at a time.
"""

from __future__ import annotations

import importlib.util
import itertools
import json
import multiprocessing
import os
import queue
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any
from urllib.parse import quote_plus, urlencode

from cariberita_local.sequencer import SEQUENCERS

ROOT = Path(__file__).resolve().parents[3]
FUNCTIONS = ROOT / "functions"
REGION = "ap-southeast-3"
ACCOUNT = "000000000000"

Handler = Callable[[dict[str, Any], Any], Any]
_copies = itertools.count()


def handler_path(function: str, functions_dir: Path = FUNCTIONS) -> Path:
    return functions_dir / function / "app.py"


def load_handler_module(
    function: str, *, fresh: bool = False, functions_dir: Path = FUNCTIONS
) -> ModuleType:
    """``functions/<function>/app.py`` as a top-level module, as Lambda imports it.

    By default the module is imported once, as ``<function>_app``, and shared (like one warm
    container); ``fresh=True`` imports a new, independent copy (another container).
    """
    path = handler_path(function, functions_dir)
    if not path.is_file():
        raise FileNotFoundError(f"no Lambda handler at {path}")
    name = f"{function}_app_{next(_copies)}" if fresh else f"{function}_app"
    if not fresh and name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def load_handler(function: str, functions_dir: Path = FUNCTIONS) -> Handler:
    """A fresh copy of ``functions/<function>/app.py``'s ``lambda_handler`` (one 'container')."""
    handler: Handler = load_handler_module(
        function, fresh=True, functions_dir=functions_dir
    ).lambda_handler
    return handler


@dataclass
class LambdaContext:
    """The parts of the Lambda context object our handlers and Powertools read.

    The remaining time runs down with the wall clock from ``timeout_s``; setting
    ``remaining_ms`` restarts it from that value. ``expire_after_calls`` makes the time run out
    after that many reads (the ingest deadline is read once per article), to end an invocation
    in the middle of an upload.
    """

    function_name: str = "cariberita-test"
    timeout_s: float = 300.0
    memory_limit_in_mb: int = 512
    function_version: str = "$LATEST"
    aws_request_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    log_group_name: str = ""
    log_stream_name: str = "local"
    expire_after_calls: int | None = None
    started: float = field(default_factory=time.monotonic)
    calls: int = 0

    def __post_init__(self) -> None:
        self.log_group_name = self.log_group_name or f"/aws/lambda/{self.function_name}"

    @property
    def invoked_function_arn(self) -> str:
        return f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:{self.function_name}"

    @property
    def remaining_ms(self) -> int:
        left = self.timeout_s - (time.monotonic() - self.started)
        return max(0, int(left * 1000))

    @remaining_ms.setter
    def remaining_ms(self, value: int) -> None:
        self.started, self.timeout_s = time.monotonic(), value / 1000

    def get_remaining_time_in_millis(self) -> int:
        self.calls += 1
        if self.expire_after_calls is not None and self.calls > self.expire_after_calls:
            return 0
        return self.remaining_ms


# --- events ----------------------------------------------------------------------------------


def s3_notification(
    bucket: str, key: str, action: str = "created", size: int = 0, version_id: str | None = None
) -> dict[str, Any]:
    """The S3 event notification for one object; the key URL-encoded, as S3 sends it.

    Each call is a new event of the key: its ``sequencer`` is greater than the key's previous
    one (``cariberita_local.sequencer``); ``version_id`` as a versioned bucket would send it.
    """
    name = "ObjectCreated:Put" if action == "created" else "ObjectRemoved:Delete"
    obj: dict[str, Any] = {
        "key": quote_plus(key, safe="/"),
        "sequencer": SEQUENCERS.next(bucket, key),
    }
    if version_id is not None:
        obj["versionId"] = version_id
    if action == "created":
        obj["size"] = size
    return {
        "Records": [
            {
                "eventVersion": "2.1",
                "eventSource": "aws:s3",
                "awsRegion": REGION,
                "eventTime": "2026-01-01T00:00:00.000Z",
                "eventName": name,
                "s3": {
                    "s3SchemaVersion": "1.0",
                    "configurationId": "uploads",
                    "bucket": {"name": bucket, "arn": f"arn:aws:s3:::{bucket}"},
                    "object": obj,
                },
            }
        ]
    }


def sqs_record(body: str, message_id: str | None = None, receive_count: int = 1) -> dict[str, Any]:
    """One record of the event Lambda's SQS event source mapping builds."""
    return {
        "messageId": message_id or str(uuid.uuid4()),
        "receiptHandle": "local",
        "body": body,
        "attributes": {
            "ApproximateReceiveCount": str(receive_count),
            "SentTimestamp": "1767225600000",
            "SenderId": "local",
            "ApproximateFirstReceiveTimestamp": "1767225600000",
        },
        "messageAttributes": {},
        "md5OfBody": "",
        "eventSource": "aws:sqs",
        "eventSourceARN": f"arn:aws:sqs:{REGION}:{ACCOUNT}:cariberita-ingest",
        "awsRegion": REGION,
    }


def sqs_s3_event(bucket: str, *keys: str, action: str = "created", size: int = 0) -> dict[str, Any]:
    """An SQS batch with one message per key, each carrying that object's S3 notification
    (``size``: the object's size in bytes, as S3 reports it)."""
    return {
        "Records": [sqs_record(json.dumps(s3_notification(bucket, k, action, size))) for k in keys]
    }


def api_gateway_event(
    path: str,
    query: dict[str, Any] | None = None,
    *,
    method: str = "GET",
    headers: dict[str, str] | None = None,
    resource: str | None = None,
) -> dict[str, Any]:
    """The REST API proxy event API Gateway sends for ``method path?query``."""
    from cariberita_local.apigw import Resource, build_event

    raw = path + ("?" + urlencode(query, doseq=True) if query else "")
    pairs = list((headers or {"Host": "localhost"}).items())
    template = Resource(resource or path)
    params = template.match(path) or {}
    return build_event(method, raw, pairs, b"", template, params)


class HandlerPool:
    """``size`` independent copies of one handler; each invocation borrows one copy."""

    def __init__(self, handlers: list[Handler], function_name: str, timeout_s: float) -> None:
        if not handlers:
            raise ValueError("a pool needs at least one handler")
        self._free: queue.Queue[Handler] = queue.Queue()
        for handler in handlers:
            self._free.put(handler)
        self.function_name = function_name
        self.timeout_s = timeout_s

    @classmethod
    def of_function(cls, function: str, size: int = 1, timeout_s: float = 30.0) -> HandlerPool:
        handlers = [load_handler(function) for _ in range(size)]
        return cls(handlers, f"cariberita-{function}", timeout_s)

    @contextmanager
    def _borrow(self) -> Iterator[Handler]:
        handler = self._free.get()
        try:
            yield handler
        finally:
            self._free.put(handler)

    def invoke(self, event: dict[str, Any]) -> Any:
        """Call one free copy with ``event`` and a fresh context; exceptions propagate."""
        with self._borrow() as handler:
            context = LambdaContext(self.function_name, timeout_s=self.timeout_s)
            try:
                return handler(event, context)
            finally:
                _discard_disabled_metrics()


class ProcessHandlerPool:
    """``size`` copies of one handler, each in its own process: a faithful Lambda container.

    Threads in one process would share Powertools' Logger and Metrics state between requests in
    flight, which Lambda never does (a container serves one request at a time); under load that
    sharing can fail a request. Processes are spawned, so they start from a clean interpreter
    with the environment as it is now; events and results cross a pipe as plain data.
    """

    def __init__(self, function: str, size: int = 4, timeout_s: float = 30.0) -> None:
        context = multiprocessing.get_context("spawn")
        self._free: queue.Queue[Any] = queue.Queue()
        self._processes = []
        for _ in range(max(1, size)):
            parent, child = context.Pipe()
            process = context.Process(target=_serve, args=(function, child, timeout_s), daemon=True)
            process.start()
            child.close()
            self._processes.append(process)
            self._free.put(parent)

    def invoke(self, event: dict[str, Any]) -> Any:
        """Send ``event`` to a free container; its exception is raised here as RuntimeError."""
        connection = self._free.get()
        try:
            connection.send(event)
            ok, value = connection.recv()
        finally:
            self._free.put(connection)
        if not ok:
            raise RuntimeError(value)
        return value

    def close(self) -> None:
        for process in self._processes:
            process.terminate()
        for process in self._processes:
            process.join(timeout=5)


def _serve(function: str, connection: Any, timeout_s: float) -> None:
    """A container's loop: one event at a time, until the pool closes its end of the pipe."""
    handler = load_handler(function)
    if function == "search":
        from cariberita_local import analytics_log

        analytics_log.install()  # the local CloudWatch: search lines to a file, if configured
    name = f"cariberita-{function}"
    while True:
        try:
            event = connection.recv()
        except (EOFError, OSError):
            return
        try:
            result = (True, handler(event, LambdaContext(name, timeout_s=timeout_s)))
        except Exception as exc:  # reported to the caller, like Lambda's error response
            result = (False, f"{type(exc).__name__}: {exc}")
        finally:
            _discard_disabled_metrics()
        connection.send(result)


def _discard_disabled_metrics() -> None:
    """Drop the metric set when metrics are disabled (the local default).

    Powertools' flush neither prints nor clears a disabled metric set, so it would grow across
    invocations and print itself anyway once a metric reaches 100 values.
    """
    if os.environ.get("POWERTOOLS_METRICS_DISABLED", "").lower() in ("1", "true"):
        from cariberita.observability import metrics

        metrics.clear_metrics()
