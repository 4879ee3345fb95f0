# Linkwell — every target sets up what it needs on a fresh machine.
SHELL := /bin/bash
.DEFAULT_GOAL := help

export UV_PYTHON_DOWNLOADS := never
export UV_LINK_MODE := copy
# uv ignores pip's CA configuration; point it at the system bundle.
export SSL_CERT_FILE ?= /etc/ssl/certs/ca-certificates.crt

PYTHON_VERSION := $(shell cat .python-version)
PYTHON := $(shell pyenv which python3 2>/dev/null || command -v python$(basename $(PYTHON_VERSION)) || command -v python3)
UV := .tools/bin/uv
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: help setup run test check static-checks lint types migrations-check access-check e2e-deps clean

help:
	@echo "make run    set up, load demo data if empty, serve http://$(HOST):$(PORT)"
	@echo "make test   set up, then run the whole test suite (SQLite unless DATABASE_URL is set)"
	@echo "make check  lint, types, migrations, scoped-access check, tests"

$(UV):
	$(PYTHON) -m venv .tools
	.tools/bin/pip install --quiet --disable-pip-version-check uv

$(VENV)/.installed: pyproject.toml uv.lock | $(UV)
	$(UV) sync --frozen --python $(PYTHON) --quiet
	@touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

setup: $(VENV)/.installed node_modules/.installed

run: setup
	$(BIN)/linkwell migrate --noinput
	$(BIN)/linkwell demo --if-empty
	$(BIN)/linkwell runserver $(HOST):$(PORT)

# Browser tests drive Debian's Chromium; install it when this machine lacks it and we may.
e2e-deps:
	@if ! command -v chromium >/dev/null; then \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else echo "Chromium is missing: install Debian's chromium package (sudo apt-get install chromium)"; exit 1; fi; fi

test: setup e2e-deps
	$(BIN)/pytest $(PYTEST_ARGS)

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

types: setup
	$(BIN)/mypy linkwell scripts

migrations-check: setup
	$(BIN)/linkwell makemigrations --check --dry-run

access-check: setup
	$(BIN)/python scripts/check_scoped_access.py

static-checks: lint types migrations-check access-check

check: static-checks test

clean:
	rm -rf $(VENV) .tools node_modules staticfiles
