#!/usr/bin/env bash
# `sam build` without Docker and without a local python3.12: every function and the layer use
# `BuildMethod: makefile` (layers/shared/Makefile installs cp312 aarch64 wheels). Then prints
# the unzipped artifact sizes. Extra arguments go to `sam build`.
set -euo pipefail
cd "$(dirname "$0")/../.."
tools/scripts/setup-tools.sh
export SAM_CLI_TELEMETRY=0 AWS_DEFAULT_REGION="${AWS_DEFAULT_REGION:-ap-southeast-3}"
.venv-tools/sam/bin/sam build --template-file template.yaml "$@"
.venv/bin/python tools/scripts/package-sizes.py
