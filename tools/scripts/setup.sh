#!/usr/bin/env bash
# Installs everything the project needs on a fresh Debian machine, idempotently:
# system packages (Java for OpenSearch, Maven to fetch it, Chromium for the browser tests),
# a virtualenv in .venv with the package installed in editable mode plus the dev tools.
# A second run is a few seconds: it checks and skips.
set -euo pipefail
cd "$(dirname "$0")/../.."

need_apt=()
command -v java >/dev/null || need_apt+=(openjdk-17-jre-headless)
command -v mvn >/dev/null || need_apt+=(maven)
command -v unzip >/dev/null || need_apt+=(unzip)
command -v curl >/dev/null || need_apt+=(curl)
command -v setpriv >/dev/null && command -v flock >/dev/null || need_apt+=(util-linux)
command -v pgrep >/dev/null || need_apt+=(procps)
if [ "${SKIP_BROWSER:-0}" != 1 ]; then
  command -v chromium >/dev/null || need_apt+=(chromium)
  command -v npm >/dev/null || need_apt+=(npm)  # fetches axe-core once for tests/e2e
fi
if [ "${#need_apt[@]}" -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "missing system packages: ${need_apt[*]} (install them with apt-get as root)" >&2; exit 1
  fi
  echo "[setup] apt-get install ${need_apt[*]}" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
fi

PY="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
  echo "[setup] creating .venv with $($PY --version)" >&2
  "$PY" -m venv .venv
fi
stamp=".venv/.installed-$(cat pyproject.toml layers/shared/requirements.txt | sha256sum | cut -c1-16)"
if [ ! -f "$stamp" ]; then
  echo "[setup] installing Python dependencies into .venv" >&2
  .venv/bin/python -m pip install -q --upgrade pip
  .venv/bin/python -m pip install -q -e ".[dev]"
  rm -f .venv/.installed-*
  touch "$stamp"
fi
