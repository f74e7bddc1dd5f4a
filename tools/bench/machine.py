"""Facts about the machine and software a run was measured on."""

from __future__ import annotations

import os
import platform
import re
import subprocess
import sys
from typing import Any


def _memory_gib() -> float | None:
    try:
        with open("/proc/meminfo", encoding="ascii") as handle:
            for line in handle:
                if line.startswith("MemTotal:"):
                    return round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        return None
    return None


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as handle:
            for line in handle:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _java_version() -> str:
    try:
        proc = subprocess.run(["java", "-version"], capture_output=True, text=True, timeout=30)  # noqa: S607
    except (OSError, subprocess.TimeoutExpired):
        return "not found"
    match = re.search(r'version "([^"]+)"', proc.stderr)
    return match.group(1) if match else proc.stderr.strip().splitlines()[0]


def facts(client: Any | None = None) -> dict[str, Any]:
    """Cores, memory, CPU, OS, Python, Java, OpenSearch and key library versions."""
    from importlib.metadata import version

    data: dict[str, Any] = {
        "cpu cores (usable)": len(os.sched_getaffinity(0)),
        "cpu model": _cpu_model(),
        "memory (GiB)": _memory_gib(),
        "os": f"{platform.system()} {platform.release()} ({platform.machine()})",
        "python": sys.version.split()[0],
        "java": _java_version(),
    }
    if client is not None:
        info = client.info()
        data["opensearch"] = (
            f"{info['version']['number']} (Lucene {info['version']['lucene_version']})"
        )
    for package in ("opensearch-py", "aws-lambda-powertools", "pydantic", "boto3", "moto"):
        try:
            data[package] = version(package)
        except Exception:
            data[package] = "not installed"
    return data
