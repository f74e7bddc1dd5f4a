"""Print the unzipped size of every function and layer that `sam build` left in .aws-sam/build.

Output is JSON: {"build_dir": ..., "artifacts": {"<LogicalId>": {"bytes": N, "mib": x,
"files": N, "zipped_bytes": N}}, ...}. ``zipped_bytes`` is what `sam package` would upload
(deflate, as Lambda's zip). Lambda allows 250 MB unzipped for a function plus its layers, so the
sum of a function and SharedLayer is reported too. Used by the benchmarks as well.
"""

from __future__ import annotations

import argparse
import io
import json
import sys
import zipfile
from pathlib import Path

UNZIPPED_LIMIT = 250 * 1000 * 1000  # Lambda: function + layers, unzipped (bytes, decimal MB)


def tree_size(path: Path) -> tuple[int, int]:
    files = [p for p in path.rglob("*") if p.is_file() and not p.is_symlink()]
    return sum(p.stat().st_size for p in files), len(files)


def zipped_size(path: Path) -> int:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for file in sorted(p for p in path.rglob("*") if p.is_file() and not p.is_symlink()):
            archive.write(file, file.relative_to(path))
    return buffer.tell()


def sizes(build_dir: Path) -> dict[str, dict[str, float | int]]:
    result: dict[str, dict[str, float | int]] = {}
    for artifact in sorted(p for p in build_dir.iterdir() if p.is_dir()):
        size, count = tree_size(artifact)
        result[artifact.name] = {
            "bytes": size,
            "mib": round(size / 2**20, 2),
            "files": count,
            "zipped_bytes": zipped_size(artifact),
        }
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build-dir", type=Path, default=Path(".aws-sam/build"))
    args = parser.parse_args(argv)
    if not args.build_dir.is_dir():
        print(f"no build at {args.build_dir}: run `make build` first", file=sys.stderr)
        return 1
    artifacts = sizes(args.build_dir)
    layers = {k: v for k, v in artifacts.items() if "Layer" in k}
    layer_bytes = sum(int(v["bytes"]) for v in layers.values())
    with_layers = {
        k: int(v["bytes"]) + layer_bytes for k, v in artifacts.items() if k not in layers
    }
    report = {
        "build_dir": str(args.build_dir),
        "artifacts": artifacts,
        "function_plus_layers_bytes": with_layers,
        "unzipped_limit_bytes": UNZIPPED_LIMIT,
        "within_limit": all(v <= UNZIPPED_LIMIT for v in with_layers.values()),
    }
    print(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
