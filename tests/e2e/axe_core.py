"""axe-core for the accessibility tests: fetched once with npm into the project's cache.

axe-core (MPL-2.0) is used unmodified and never committed: ``npm pack`` fetches the pinned
version's tarball from the npm registry into ``/var/cache/cariberita`` (root) or
``~/.cache/cariberita`` (the cache ``tools/scripts/opensearch-local.sh`` uses; ``AXE_CORE_DIR``
overrides it), the tarball is checked against the registry's sha512 pinned here, and
``axe.min.js`` and its licence are kept beside it. Later runs read the cached file.
"""

from __future__ import annotations

import base64
import hashlib
import io
import os
import shutil
import subprocess
import tarfile
import tempfile
from pathlib import Path

VERSION = "4.14.1"
# `npm view axe-core@4.14.1 dist.integrity`: a tarball that differs is refused.
SHA512 = "FHfa+lmNjQZfJz1q8wKqIDwC6DExcHt/pkjNQb09a3NPjCKg2rhu5qb2S4r76ASyFNNtuFooJpZe37OgudVGtQ=="
KEPT = ("axe.min.js", "LICENSE")


def cache_dir() -> Path:
    if os.environ.get("AXE_CORE_DIR"):
        return Path(os.environ["AXE_CORE_DIR"])
    base = (
        Path("/var/cache/cariberita")
        if os.geteuid() == 0
        else Path.home() / ".cache" / "cariberita"
    )
    return base / f"axe-core-{VERSION}"


def axe_script() -> str:
    """The text of ``axe.min.js`` (fetching and checking it first if it is not cached)."""
    target = cache_dir()
    script = target / "axe.min.js"
    if not script.is_file():
        _install(target)
    return script.read_text(encoding="utf-8")


def _install(target: Path) -> None:
    npm = shutil.which("npm")
    if npm is None:
        raise RuntimeError(
            "the accessibility tests need npm to fetch axe-core once (apt-get install npm)"
        )
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=target.parent) as tmp:
        subprocess.run(
            [npm, "pack", f"axe-core@{VERSION}", "--pack-destination", tmp, "--silent"],
            check=True,
            cwd=tmp,
            stdout=subprocess.DEVNULL,
            timeout=300,
        )
        tarball = Path(tmp) / f"axe-core-{VERSION}.tgz"
        data = tarball.read_bytes()
        digest = base64.b64encode(hashlib.sha512(data).digest()).decode("ascii")
        if digest != SHA512:
            raise RuntimeError(f"axe-core {VERSION} tarball does not match its pinned sha512")
        staging = Path(tmp) / "axe"
        staging.mkdir()
        with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as archive:
            for name in KEPT:
                member = archive.extractfile(f"package/{name}")
                assert member is not None, name
                (staging / name).write_bytes(member.read())
        try:
            staging.rename(target)  # atomic: a concurrent run either sees all of it or none
        except OSError:
            if not (target / "axe.min.js").is_file():
                raise
