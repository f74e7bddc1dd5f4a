# Targets people guess. `make run` and `make test` do all set-up themselves on a fresh machine.
SHELL := /bin/bash
PY := .venv/bin/python
export ARTICLE_DATA_DIR ?= $(abspath ../shared/data)

.PHONY: setup run test test-unit test-integration test-e2e lint opensearch opensearch-stop index clean

setup:
	@tools/scripts/setup.sh

run: setup
	@$(PY) -m cariberita_local.run $(ARGS)

test: setup
	@$(PY) -m pytest

test-unit: setup
	@$(PY) -m pytest tests/unit

test-integration: setup
	@$(PY) -m pytest tests/integration

test-e2e: setup
	@$(PY) -m pytest tests/e2e

lint: setup
	@$(PY) -m ruff check . && $(PY) -m ruff format --check .

opensearch:
	@tools/scripts/opensearch-local.sh start

opensearch-stop:
	@tools/scripts/opensearch-local.sh stop

index: setup opensearch
	@OPENSEARCH_ENDPOINT=$${OPENSEARCH_ENDPOINT:-$$(tools/scripts/opensearch-local.sh url)} $(PY) -m cariberita.admin create

clean:
	rm -rf .venv .aws-sam build test-artifacts

# --- reliability and security campaign (docs/reliability.md) ---
.PHONY: audit lock reliability reliability-full reliability-report

audit: setup
	@$(PY) tools/scripts/audit-dependencies.py --lock requirements.lock --record test-artifacts/reliability.json
	@$(PY) tools/scripts/scan-secrets.py --history --record test-artifacts/reliability.json

lock: setup
	@{ echo "# Locked runtime + dev dependencies of .venv (pip freeze --exclude-editable), audited by"; \
	   echo "# \`make audit\`. Regenerate with \`make lock\` after changing pins in pyproject.toml."; \
	   $(PY) -m pip freeze --exclude-editable; } > requirements.lock

reliability: setup
	@$(PY) -m pytest tests/reliability tests/unit/test_fuzz_*.py -q
	@$(PY) tools/scripts/reliability-report.py

reliability-full: setup
	@RELIABILITY_FULL=1 $(PY) -m pytest tests/reliability tests/unit/test_fuzz_*.py -q
	@$(PY) tools/scripts/reliability-report.py

reliability-report:
	@$(PY) tools/scripts/reliability-report.py

# Three-node loopback cluster (9201-9203) under a node kill, a restart, a rolling restart and a
# reindex, with ingest and search running; about 5-6 minutes. Run before changing the index
# manager, the reindex or the clients' retry settings (docs/reliability.md).
.PHONY: reliability-cluster
reliability-cluster: setup
	@RELIABILITY_CLUSTER=1 $(PY) -m pytest tests/reliability/test_three_node_cluster.py -q -s

# --- deploy and operate with SAM (docs/operations.md) ---
.PHONY: tools template-check build package-sizes deploy
ENV ?= dev

tools:
	@tools/scripts/setup-tools.sh

template-check: setup
	@tools/scripts/sam-template-check.sh

build: setup
	@tools/scripts/sam-build.sh --config-env $(ENV)

package-sizes: setup
	@$(PY) tools/scripts/package-sizes.py

# PARAMS="Key=Value ..." adds to the profile's parameter overrides (sam's own
# --parameter-overrides would replace them all, Stage included; tools/scripts/deploy-parameters.py).
deploy: build
	@overrides="$$($(PY) tools/scripts/deploy-parameters.py $(ENV) $(PARAMS))" && \
	  SAM_CLI_TELEMETRY=0 .venv-tools/sam/bin/sam deploy --config-env $(ENV) \
	  --parameter-overrides "$$overrides"

# --- relevance (docs/search.md; the tuning half also runs in `make test`) ---
.PHONY: relevance
relevance: setup opensearch
	@$(PY) -m tests.relevance.report

# --- benchmarks (docs/benchmarks.md; not part of the test suite) ---
.PHONY: bench bench-quick bench-scale

bench: setup
	@PYTHONPATH=tools $(PY) -m bench --profile full

bench-quick: setup
	@PYTHONPATH=tools $(PY) -m bench --profile quick --out test-artifacts/bench-quick

# Scale only, to 3M articles (~23 GB on disk at ~8 KiB an article, about an hour): merged into
# docs/benchmarks.md.
bench-scale: setup
	@PYTHONPATH=tools $(PY) -m bench --profile scale --only search,scale --merge
