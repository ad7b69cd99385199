# Two commands for a fresh machine: `make run` and `make test`. Everything else is a step of those.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
LINDUNGI := $(BIN)/lindungi
STAMP := $(VENV)/.installed-stamp
ASSETS_STAMP := lindungi/web/assets/dist/.built-stamp
HOST ?= 127.0.0.1
PORT ?= 8000
# Development defaults; a real deployment sets these in its environment.
export DEBUG ?= true
export SECRET_KEY ?= insecure-development-key

.PHONY: run test install assets messages migrate regions demo lint format test-only browser-deps bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

$(ASSETS_STAMP): package.json package-lock.json lindungi/web/assets/build.mjs $(wildcard lindungi/web/assets/src/*)
	npm ci --no-audit --no-fund --loglevel=error
	npm run --silent build
	touch $(ASSETS_STAMP)

assets: $(ASSETS_STAMP)

messages: install
	cd lindungi && ../$(LINDUNGI) compilemessages --verbosity 0

migrate: install
	$(LINDUNGI) migrate --noinput --verbosity 1

regions: migrate
	$(LINDUNGI) load_regions

demo: regions
	$(LINDUNGI) create_demo_users
	$(LINDUNGI) load_demo --as admin

# Debian's Chromium drives the browser tests; Playwright never downloads a browser of its own.
browser-deps:
	@test -x /usr/bin/chromium || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

run: install assets messages demo
	@echo "Lindungi: http://$(HOST):$(PORT)/"
	@$(LINDUNGI) db_worker --interval 0.5 & worker=$$!; \
	trap "kill $$worker 2>/dev/null" EXIT INT TERM; \
	$(LINDUNGI) runserver $(HOST):$(PORT)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

test: install assets messages browser-deps lint
	$(LINDUNGI) makemigrations --check --dry-run
	$(BIN)/pytest

test-only:
	$(BIN)/pytest

bench: install
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) node_modules lindungi/web/assets/dist var
