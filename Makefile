# The two commands a new user needs: `make run` and `make test`.
# `make setup` is the shared, idempotent set-up step both start with.

VENV ?= .venv
PYTHON ?= python3
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
STAMP_PY := $(VENV)/.installed
STAMP_NPM := node_modules/.installed
ASSETS := static/build/assets.json
LOCKS := requirements/bootstrap.txt requirements/lock.txt
LINT_PATHS := portal tests migrations bench ops wsgi.py gunicorn.conf.py
# The offline advisory snapshot that make advisories copies from (OSV format).
ADVISORIES_DIR ?= ../shared/advisories

.PHONY: setup run serve test audit audit-deps advisories lock check-config lint migrate messages translations test-slow clean chromium bench mutation

setup: $(STAMP_PY) $(ASSETS) translations migrate chromium

# Python packages come from the lock only, every file checked against its hash: first pip and
# setuptools (requirements/bootstrap.txt), then every package, direct and transitive
# (requirements/lock.txt), built where needed with those same setuptools (no build isolation,
# which would fetch unchecked build tools), then the project itself without dependencies.
$(STAMP_PY): pyproject.toml $(LOCKS)
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements/bootstrap.txt
	$(BIN)/python -m pip install --quiet --require-hashes --no-build-isolation -r requirements/lock.txt
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	touch $@

# Regenerate the locks from pyproject.toml's pins (runtime and dev) and requirements/bootstrap.in
# (pip, setuptools). Versions already locked are kept; to move one on:
# make lock LOCK_ARGS="--upgrade-package NAME" (or LOCK_ARGS=--upgrade for all). Then run
# make advisories, so the audit knows every locked package.
PIP_COMPILE := CUSTOM_COMPILE_COMMAND="make lock" $(BIN)/pip-compile --quiet --generate-hashes \
	--allow-unsafe --strip-extras --no-emit-index-url --no-emit-find-links $(LOCK_ARGS)
lock: $(STAMP_PY)
	$(PIP_COMPILE) -o requirements/bootstrap.txt requirements/bootstrap.in
	$(PIP_COMPILE) --extra dev -o requirements/lock.txt pyproject.toml requirements/bootstrap.in

$(STAMP_NPM): package.json package-lock.json
	npm ci --no-audit --no-fund --ignore-scripts
	touch $@

$(ASSETS): $(STAMP_NPM) build-assets.mjs static/scss/portal.scss static/js/portal.mjs static/images/favicon.svg
	npm run --silent build

migrate: $(STAMP_PY)
	$(FLASK) db upgrade

# The browser tests drive Debian's Chromium (never a browser Playwright downloads).
# Installed when missing; where it cannot be, they skip, except in CI (CI=true), where they fail.
chromium:
	@(command -v chromium && command -v chromedriver) >/dev/null 2>&1 || \
		(apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium chromium-driver) || \
		{ test "$$CI" != "true" && echo "Chromium could not be installed: the browser tests will skip."; }

run: setup
	$(FLASK) staff demo
	$(FLASK) run --host 127.0.0.1 --port 5000

# As in production: gunicorn with gunicorn.conf.py (GUNICORN_WORKERS, default 2).
serve: setup
	$(BIN)/gunicorn --config gunicorn.conf.py --bind 127.0.0.1:5000 wsgi:app

test: setup
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# The slow tier: end-to-end runs CI leaves out (each language every way in the browser).
test-slow: setup
	$(BIN)/python -m pytest -m slow $(PYTEST_ARGS)

# The production settings check (portal/config_check.py) on this environment's settings:
# PORTAL_ENV=production SECRET_KEY=... DATABASE_URL=... make check-config
check-config: $(STAMP_PY)
	PORTAL_ENV=production $(BIN)/python -m portal.config_check

# Security scan of the code: medium severity and above fails.
audit: $(STAMP_PY)
	$(BIN)/bandit -q -r portal -ll

# Known vulnerabilities in the locked packages and the environment's pip and setuptools, from
# the advisories kept in ops/advisories/ (no network): any match fails unless it is accepted in
# ops/advisories-allowed.toml. CI runs it.
audit-deps: $(STAMP_PY)
	$(BIN)/python ops/audit_deps.py check

# Copy the advisories of every locked package from the snapshot in ADVISORIES_DIR into
# ops/advisories/ (run after make lock, or when a newer snapshot arrives).
advisories: $(STAMP_PY)
	$(BIN)/python ops/audit_deps.py refresh $(ADVISORIES_DIR)

# ruff, then the layers contract (.importlinter): commands on blueprints on the core.
lint: $(STAMP_PY)
	$(BIN)/ruff check $(LINT_PATHS)
	$(BIN)/ruff format --check $(LINT_PATHS)
	$(BIN)/lint-imports --no-cache

# wrk, the load generator the page benchmarks drive (Debian's package), installed when missing.
wrk:
	@command -v wrk >/dev/null 2>&1 || \
		(apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y wrk)

# Benchmarks: figures, not assertions, on SQLite and then PostgreSQL (a throwaway database on
# BENCH_POSTGRES's server; the one it names is never touched). bench/pages.py and
# bench/public.py (the public pages with 16 connections, against a bare Flask app) write their
# figures into docs/benchmarks.md. Sizes: BENCH_CASES, BENCH_APPLICATIONS, BENCH_SUBMISSIONS,
# BENCH_SECONDS (per page); bench/load.py: BENCH_APPLICANTS, BENCH_LOAD_SECONDS. All four run
# even when one fails (an invalid figure, a lost application); then the target fails.
BENCH_POSTGRES ?= postgresql+psycopg://postgres@127.0.0.1:5432/test
bench: setup wrk
	@status=0; \
	echo "== bench/pages.py on SQLite"; $(BIN)/python bench/pages.py || status=1; \
	echo "== bench/pages.py on PostgreSQL"; \
	BENCH_DATABASE_URL=$(BENCH_POSTGRES) $(BIN)/python bench/pages.py || status=1; \
	echo "== bench/public.py on SQLite"; $(BIN)/python bench/public.py || status=1; \
	echo "== bench/public.py on PostgreSQL"; \
	BENCH_DATABASE_URL=$(BENCH_POSTGRES) $(BIN)/python bench/public.py || status=1; \
	echo "== bench/load.py on SQLite"; $(BIN)/python bench/load.py || status=1; \
	echo "== bench/load.py on PostgreSQL"; \
	BENCH_DATABASE_URL=$(BENCH_POSTGRES) $(BIN)/python bench/load.py || status=1; \
	exit $$status

# Mutation testing of the modules that hold the rules, each against the tests that cover it
# (bench/mutation.py says how to add one); writes docs/mutation.md. Minutes, not part of CI.
# MUTATION_TARGETS=deadlines,crypto runs some; MUTATION_SOURCE=HEAD mutates the last commit.
mutation: setup
	$(BIN)/python bench/mutation.py

# Every string's template, the public pages' template the languages translate, and each
# language's catalogue brought up to date with it (new strings empty, for its translator).
messages: $(STAMP_PY)
	$(BIN)/pybabel extract --no-location -F babel.cfg -k _l -o portal/translations/messages.pot .
	$(BIN)/pybabel extract --no-location --add-comments=Translators: -F babel-public.cfg -k _l \
		-o portal/translations/public.pot .
	$(BIN)/pybabel update --no-fuzzy-matching --ignore-obsolete --width=100 \
		-i portal/translations/public.pot \
		-d portal/translations

# The compiled catalogues the app reads (not committed): built from each language's .po.
translations: $(STAMP_PY)
	$(BIN)/pybabel compile --statistics -d portal/translations

clean:
	rm -rf $(VENV) node_modules static/build
