"""Load and call the real Lambda handlers in-process, the way a Lambda container would.

Each ``functions/<name>/app.py`` is imported as a top-level module from its folder, like the
Lambda runtime does. A pool holds several independent copies ("containers") because Powertools'
resolver keeps the current event on the app object: one copy must serve one request at a time.
"""

from __future__ import annotations

import importlib.util
import itertools
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

ROOT = Path(__file__).resolve().parents[2]
FUNCTIONS = ROOT / "functions"

Handler = Callable[[dict[str, Any], Any], Any]
_copies = itertools.count()


def load_handler(function: str, functions_dir: Path = FUNCTIONS) -> Handler:
    """A fresh copy of ``functions/<function>/app.py``'s ``lambda_handler`` (one 'container')."""
    path = functions_dir / function / "app.py"
    if not path.is_file():
        raise FileNotFoundError(f"no Lambda handler at {path}")
    name = f"cariberita_local_{function}_app_{next(_copies)}"
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec and spec.loader
    module: ModuleType = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module.lambda_handler


@dataclass
class LocalLambdaContext:
    """The parts of the Lambda context object our handlers and Powertools read."""

    function_name: str
    timeout_s: float = 30.0
    memory_limit_in_mb: int = 512
    function_version: str = "$LATEST"
    aws_request_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    log_group_name: str = ""
    log_stream_name: str = "local"
    started: float = field(default_factory=time.monotonic)

    def __post_init__(self) -> None:
        self.log_group_name = self.log_group_name or f"/aws/lambda/{self.function_name}"

    @property
    def invoked_function_arn(self) -> str:
        return f"arn:aws:lambda:ap-southeast-3:000000000000:function:{self.function_name}"

    def get_remaining_time_in_millis(self) -> int:
        left = self.timeout_s - (time.monotonic() - self.started)
        return max(0, int(left * 1000))


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
            context = LocalLambdaContext(self.function_name, timeout_s=self.timeout_s)
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
    name = f"cariberita-{function}"
    while True:
        try:
            event = connection.recv()
        except (EOFError, OSError):
            return
        try:
            result = (True, handler(event, LocalLambdaContext(name, timeout_s=timeout_s)))
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
