#!/usr/bin/env bash
# Installs the heavy template tools into their own virtualenv, .venv-tools, idempotently:
# the SAM CLI (sam build/validate/deploy) and checkov. They pin boto3, cfn-lint and friends to
# ranges that conflict with the main .venv, so they never share it. A second run is instant.
set -euo pipefail
cd "$(dirname "$0")/.."

SAM_CLI_VERSION=1.170.0
CHECKOV_VERSION=3.3.30
VENV=.venv-tools
PY="${PYTHON:-python3}"

if [ ! -x "$VENV/bin/python" ]; then
  echo "[setup-tools] creating $VENV with $($PY --version)" >&2
  "$PY" -m venv "$VENV"
fi
stamp="$VENV/.installed-sam-$SAM_CLI_VERSION-checkov-$CHECKOV_VERSION"
if [ ! -f "$stamp" ]; then
  echo "[setup-tools] installing aws-sam-cli $SAM_CLI_VERSION and checkov $CHECKOV_VERSION" >&2
  "$VENV/bin/python" -m pip install -q --upgrade pip
  "$VENV/bin/python" -m pip install -q "aws-sam-cli==$SAM_CLI_VERSION" "checkov==$CHECKOV_VERSION"
  rm -f "$VENV"/.installed-*
  touch "$stamp"
fi
