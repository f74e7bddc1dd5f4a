#!/usr/bin/env bash
# Installs the heavy template tools idempotently, each in its own virtualenv under .venv-tools/:
# the SAM CLI (sam build/validate/deploy) in .venv-tools/sam and checkov in .venv-tools/checkov.
# They pin boto3, cfn-lint and friends to ranges that conflict with the main .venv and with each
# other, so nothing is shared. Prints nothing and takes a second when already installed.
set -euo pipefail
cd "$(dirname "$0")/../.."

PY="${PYTHON:-python3}"
install_tool() {  # install_tool NAME "requirement ..."
  local venv=".venv-tools/$1" reqs="$2"
  local stamp="$venv/.installed-$(echo "$reqs" | sha256sum | cut -c1-16)"
  [ -f "$stamp" ] && return 0
  echo "[setup-tools] installing $reqs into $venv" >&2
  [ -x "$venv/bin/python" ] || "$PY" -m venv "$venv"
  "$venv/bin/python" -m pip install -q --disable-pip-version-check --upgrade pip
  # shellcheck disable=SC2086 # the requirement list is split on purpose
  "$venv/bin/python" -m pip install -q --disable-pip-version-check $reqs
  rm -f "$venv"/.installed-*
  touch "$stamp"
}

install_tool sam "aws-sam-cli==1.170.0"
install_tool checkov "checkov==3.3.30"
