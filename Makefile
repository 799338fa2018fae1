# Ilm — the single entry points. `make help` lists them.
#
# Everything runs from the project virtualenv in .venv, created with the Python version named in
# .python-version. Installing is keyed on a hash of pyproject.toml, so `make run` and `make test`
# reinstall only when the pinned dependencies change.

SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
MAKEFLAGS += --no-print-directory

PORT ?= 8000
VENV ?= .venv
PY := $(VENV)/bin/python
PYTHON_VERSION := $(shell cat .python-version)
# The interpreter that creates the virtualenv: `python3.12` if it is on PATH, else pyenv's.
BOOTSTRAP_PYTHON ?= $(shell command -v python$(PYTHON_VERSION) 2>/dev/null \
	|| pyenv which python$(PYTHON_VERSION) 2>/dev/null)
INSTALL_STAMP := $(VENV)/.installed-$(shell sha256sum pyproject.toml | cut -c1-16)

# Folders with a package-lock.json (H5P player, JSON-LD contexts, ...). Found automatically, so an
# app that adds one needs no change here; `npm ci --ignore-scripts` never runs install scripts.
NPM_DIRS ?= $(patsubst %/package-lock.json,%,$(filter-out %/node_modules/package-lock.json,\
	$(wildcard package-lock.json */package-lock.json */*/package-lock.json)))

# Every target names its settings module, so a DJANGO_SETTINGS_MODULE left in the shell (say,
# production's, from /etc/ilm.env) never decides what `make run` or `make test` runs with.
# Server processes default to production (lms/wsgi.py, lms/celery.py); manage.py to dev.
DEV := DJANGO_SETTINGS_MODULE=lms.settings.dev
# `make run`: dev with debug off, so the demo shows its own translated error pages.
DEMO := DJANGO_SETTINGS_MODULE=lms.settings.demo
TEST := DJANGO_SETTINGS_MODULE=lms.settings.test

# The suite that `make test` runs on SQLite: PostgreSQL-only, browser and live-service tests
# have their own targets (see pyproject.toml [tool.pytest.ini_options] markers).
PYTEST ?= $(PY) -m pytest
PYTEST_ARGS ?=
PYTEST_WORKERS ?= auto
TEST_POSTGRES_URL ?= postgres://postgres@127.0.0.1:5432/test

.PHONY: help
help: ## List the targets
	@echo "Ilm — make targets (PORT=$(PORT)):"
	@grep -hE '^[a-zA-Z0-9_-]+:.*?## ' $(MAKEFILE_LIST) \
		| awk 'BEGIN {FS = ":.*?## "}; {printf "  %-15s %s\n", $$1, $$2}'

# --- Environment --------------------------------------------------------------------------

.PHONY: install
install: $(INSTALL_STAMP) npm h5p-player fonts saml-tools ## Create .venv (Python from .python-version), pinned deps, fonts

.PHONY: h5p-player
h5p-player: $(INSTALL_STAMP) npm ## Copy the pinned h5p-standalone player into static files
	@# Reinstalled when h5p/package.json (the pin) is newer than the installed build's stamp.
	@[ h5p/static/h5p/player/ilm-build.json -nt h5p/package.json ] \
		|| $(DEV) $(PY) manage.py h5p_player_install

$(INSTALL_STAMP): pyproject.toml .python-version
	@if [ -z "$(BOOTSTRAP_PYTHON)" ]; then \
		echo "Python $(PYTHON_VERSION) not found: install it (e.g. 'pyenv install $(PYTHON_VERSION)')."; \
		exit 1; fi
	@if [ -x "$(PY)" ] && ! $(PY) -c 'import sys; sys.exit(sys.version_info[:2] != tuple(map(int, "$(PYTHON_VERSION)".split("."))))'; then \
		echo "Recreating $(VENV): it was built with another Python version."; rm -rf "$(VENV)"; fi
	@[ -x "$(PY)" ] || "$(BOOTSTRAP_PYTHON)" -m venv "$(VENV)"
	@# The pins live in pyproject.toml; install them directly rather than building the project.
	$(PY) -c 'import tomllib; p = tomllib.load(open("pyproject.toml", "rb"))["project"]; \
		print("\n".join(p["dependencies"] + p.get("optional-dependencies", {}).get("dev", [])))' \
		> "$(VENV)/requirements.txt"
	$(PY) -m pip install --quiet --disable-pip-version-check -r "$(VENV)/requirements.txt"
	@rm -f $(VENV)/.installed-*
	@touch "$@"

.PHONY: npm
npm: ## Install JavaScript packages in every folder with a package-lock.json
	@for dir in $(NPM_DIRS); do \
		if [ ! -f "$$dir/node_modules/.ilm-installed" ] \
			|| [ "$$dir/package-lock.json" -nt "$$dir/node_modules/.ilm-installed" ]; then \
			command -v npm >/dev/null || { echo "npm is needed for $$dir (install Node 20)"; exit 1; }; \
			echo "npm ci in $$dir"; \
			(cd "$$dir" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error); \
			touch "$$dir/node_modules/.ilm-installed"; \
		fi; \
	done

# The fonts the certificate PDF embeds (ADR 0032): Noto Sans for Latin and Cyrillic (Tajik,
# Kazakh, Kyrgyz, Uzbek's ʻ), Noto Sans CJK SC for Chinese, and HarfBuzz's subsetter, without
# which WeasyPrint spends about ten seconds cutting the CJK font down for each PDF. Debian's
# packages, installed with apt only when missing: a second run costs an fc-list and an ldconfig.
FONT_PACKAGES ?= fonts-noto-core fonts-noto-cjk libharfbuzz-subset0
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: fonts
fonts: ## Install the fonts certificate PDFs embed (Noto Sans, Noto Sans CJK SC) when missing
	@# Whole outputs are read (no grep -q): under pipefail a writer cut short would fail the test.
	@if [ -n "$$(fc-list 'Noto Sans' family)" ] && [ -n "$$(fc-list 'Noto Sans CJK SC' family)" ] \
		&& { ldconfig -p 2>/dev/null || /sbin/ldconfig -p; } | grep libharfbuzz-subset >/dev/null; \
		then exit 0; fi; \
	command -v apt-get >/dev/null || { echo "Install the fonts Noto Sans and Noto Sans CJK SC" \
		"and HarfBuzz's libharfbuzz-subset (Debian: $(FONT_PACKAGES))."; exit 1; }; \
	echo "apt-get install $(FONT_PACKAGES)"; \
	$(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq --no-install-recommends $(FONT_PACKAGES)

# The test SAML identity provider (sso/tests/saml_idp, ADR 0059) signs with pysaml2, which
# runs Debian's `xmlsec1` program. Ilm itself needs no system package for SAML: the xmlsec
# wheel carries libxmlsec1. Installed with apt only when missing.
SAML_PACKAGES ?= xmlsec1

.PHONY: saml-tools
saml-tools: ## Install the xmlsec1 program the SAML sign-in tests' IdP signs with, when missing
	@command -v xmlsec1 >/dev/null && exit 0; \
	command -v apt-get >/dev/null || { echo "Install xmlsec1 (Debian: $(SAML_PACKAGES))."; exit 1; }; \
	echo "apt-get install $(SAML_PACKAGES)"; \
	$(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq --no-install-recommends $(SAML_PACKAGES)

# --- Running ------------------------------------------------------------------------------

.PHONY: migrate
migrate: install ## Apply database migrations
	$(DEV) $(PY) manage.py migrate --no-input

.PHONY: seed
seed: migrate ## Load the demo content (idempotent) and print the demo accounts
	$(DEV) SITE_URL=http://127.0.0.1:$(PORT) $(PY) manage.py seed_demo

.PHONY: run
run: install ## Install, migrate, seed the demo, serve on 127.0.0.1:PORT (default 8000)
	$(DEMO) $(PY) manage.py migrate --no-input
	$(DEMO) $(PY) manage.py collectstatic --no-input --verbosity 0
	$(DEMO) SITE_URL=http://127.0.0.1:$(PORT) $(PY) manage.py seed_demo --force
	@echo "Serving on http://127.0.0.1:$(PORT)/en/ (Ctrl-C stops it)"
	$(DEMO) SITE_URL=http://127.0.0.1:$(PORT) $(PY) manage.py runserver 127.0.0.1:$(PORT)

# --- Languages ----------------------------------------------------------------------------

# The six catalogues under locale/ are rebuilt from our source; translations of unchanged msgids
# are kept, msgids gone from the source are dropped. Fixes to third-party strings (allauth,
# Django) live in locale_overrides/, which makemessages never writes (ADR 0033).
MESSAGE_LANGUAGES := ru tg kk uz ky zh_Hans
MESSAGE_IGNORE := --ignore node_modules --ignore media --ignore staticfiles --ignore var \
	--ignore test-output --ignore bench --ignore .venv

.PHONY: messages
messages: $(INSTALL_STAMP) ## Rebuild locale/ from source, keeping translations, and compile; fixes to third-party strings go in locale_overrides/ (never rebuilt)
	$(DEV) $(PY) manage.py makemessages --no-obsolete $(MESSAGE_IGNORE) \
		$(foreach language,$(MESSAGE_LANGUAGES),-l $(language))
	$(DEV) $(PY) manage.py compilemessages $(MESSAGE_IGNORE) \
		$(foreach language,$(MESSAGE_LANGUAGES),-l $(language))

# --- Quality ------------------------------------------------------------------------------

.PHONY: test
test: install ## Run the whole suite on SQLite
	$(TEST) $(PYTEST) -n $(PYTEST_WORKERS) -m "not postgres and not browser and not services" \
		$(PYTEST_ARGS)

.PHONY: test-postgres
test-postgres: install ## Run the suite on PostgreSQL (TEST_POSTGRES_URL), incl. the race tests
	$(TEST) DATABASE_URL="$(TEST_POSTGRES_URL)" \
		$(PYTEST) -n $(PYTEST_WORKERS) -m "not browser and not services" $(PYTEST_ARGS)

TEST_SERVICES_POSTGRES_URL ?= postgres://postgres@127.0.0.1:5432/services

.PHONY: test-services
test-services: install ## Real Celery workers and Redis, on PostgreSQL (TEST_SERVICES_POSTGRES_URL)
	@command -v redis-server >/dev/null || (apt-get update -qq && apt-get install -y -qq redis-server)
	$(TEST) DATABASE_URL="$(TEST_SERVICES_POSTGRES_URL)" \
		$(PYTEST) -p no:xdist -m services tests/services $(PYTEST_ARGS)

.PHONY: test-browser
test-browser: install ## Browser journeys in Debian's Chromium through Playwright
	@[ -x /usr/bin/chromium ] || (apt-get update -qq && apt-get install -y -qq chromium)
	@# Two runs: after the H5P player tests (pytest-django's live_server) the journeys' own
	@# server finds the migrations' data gone; in separate processes both pass (see notes).
	$(TEST) $(PYTEST) -p no:xdist -m browser tests/browser $(PYTEST_ARGS)
	$(TEST) $(PYTEST) -p no:xdist -m browser --ignore=tests/browser $(PYTEST_ARGS)

.PHONY: lint
lint: install ## Check code with ruff (lint, formatting) and the app layers (import-linter)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports --no-cache

.PHONY: format
format: install ## Format code and apply safe lint fixes with ruff
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

.PHONY: bench
bench: install ## Benchmark pages (PostgreSQL, production settings, beside wagtail-lms) and bench/bench_*.py; not in CI
	$(PY) bench/run.py

# --- Cleaning -----------------------------------------------------------------------------

.PHONY: clean
clean: ## Remove caches and generated files (keeps .venv, the database and var/: uploads, H5P, exports)
	rm -rf staticfiles test-output var/bench var/test-*.sqlite3* .pytest_cache .ruff_cache
	find . -path ./$(VENV) -prune -o -path '*/node_modules' -prune \
		-o -name __pycache__ -type d -exec rm -rf {} +

.PHONY: distclean
distclean: clean ## Also remove .venv, node_modules, the SQLite database and var/ (uploads, H5P, exports)
	rm -rf $(VENV) var db.sqlite3 db.sqlite3-wal db.sqlite3-shm
	for dir in $(NPM_DIRS); do rm -rf "$$dir/node_modules"; done
