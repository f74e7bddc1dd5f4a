# Targets people guess. `make run` and `make test` do all set-up themselves on a fresh machine.
SHELL := /bin/bash
PY := .venv/bin/python
export ARTICLE_DATA_DIR ?= $(abspath ../shared/data)

.PHONY: setup run test test-unit test-integration test-e2e lint opensearch opensearch-stop index clean

setup:
	@scripts/setup.sh

run: setup
	@$(PY) -m cariberita_local.run

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
	@scripts/opensearch-local.sh start

opensearch-stop:
	@scripts/opensearch-local.sh stop

index: setup opensearch
	@OPENSEARCH_ENDPOINT=$${OPENSEARCH_ENDPOINT:-$$(scripts/opensearch-local.sh url)} $(PY) -m cariberita.admin create

clean:
	rm -rf .venv .aws-sam build test-artifacts
