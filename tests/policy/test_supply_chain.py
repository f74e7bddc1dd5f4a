"""Supply chain: no secrets in the repository, and the audited lock matches the declared pins.

The secrets scan runs here (offline, a second or two). pip-audit needs PyPI's advisory data over
the network, which unit tests do not have, so it runs only under ``make audit``.
"""

from __future__ import annotations

import importlib.util
import re
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _load(name: str):
    spec = importlib.util.spec_from_file_location(
        name, ROOT / "tools" / "scripts" / f"{name.replace('_', '-')}.py"
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    return module


scan = _load("scan_secrets")


def test_repository_has_no_secrets():
    files = scan.repository_files(ROOT)
    findings = [str(f) for f in scan.scan_files(ROOT, files)]
    assert len(files) > 10
    assert findings == []


# Secret-shaped samples are assembled at run time so that this file itself scans clean.
PLANTED = {
    "aws-access-key-id": "key_id = " + "AKIA" + "Q3EXAMPLE7Z4KD2W",
    "aws-secret-access-key": "aws_secret_access_key = "
    + "wJalrXUtnFEMI/K7MDENG/bPxRfi"
    + "CYEXAMPLEKEY",
    "private-key": "-----BEGIN " + "RSA PRIVATE KEY-----",
    "github-token": "token: " + "ghp_" + "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8",
    "slack-token": "xoxb" + "-123456789012-abcdefABCDEF",
    "jwt": "eyJhbGciOiJIUzI1NiJ9"
    + ".eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U",
    "password-in-url": "OPENSEARCH_ENDPOINT=https://master:" + "Xk29vLq0Zr" + "@search.example.com",
    "assigned-secret": 'api_key = "' + "q8Zr3vN1xLp0Tw7Ym2Ks" + '"',
}


@pytest.mark.parametrize("kind", sorted(PLANTED))
def test_scan_finds_a_planted_secret(kind):
    assert [f.kind for f in scan.scan_text(PLANTED[kind])] == [kind]


@pytest.mark.parametrize(
    "line",
    [
        'os.environ["AWS_SECRET_ACCESS_KEY"] = "testing"',  # moto's placeholder
        "http://admin:admin@127.0.0.1:9200",
        'token = "nextPageCursorValue"',  # low entropy: a name, not a secret
        'password = f"{prefix}-{suffix}-{n}"',
        "key = " + "AKIA" + "Q3EXAMPLE7Z4KD2W  # secrets-scan: allow",
    ],
)
def test_scan_ignores_placeholders_and_allowed_lines(line):
    assert list(scan.scan_text(line)) == []


def test_lock_pins_every_declared_dependency_at_the_declared_version():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    declared = project["dependencies"] + project["optional-dependencies"]["dev"]
    lock = {}
    for line in (ROOT / "requirements.lock").read_text().splitlines():
        if "==" in line and not line.startswith("#"):
            name, version = line.split("==", 1)
            lock[re.sub(r"[-_.]+", "-", name).lower()] = version.strip()
    stale = []
    for requirement in declared:
        name, _, version = re.sub(r"\[.*?\]", "", requirement).partition("==")
        if lock.get(re.sub(r"[-_.]+", "-", name).lower()) != version:
            stale.append(requirement)
    assert stale == [], "requirements.lock is stale: run `make lock` and commit it"


def test_history_baseline_lists_hashes_with_a_reason():
    for line in scan.BASELINE.read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            digest, _, reason = line.partition("#")
            assert re.fullmatch(r"[0-9a-f]{64}", digest.strip()) and reason.strip()
