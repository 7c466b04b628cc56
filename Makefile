# The two commands a new user needs: `make run` and `make test`.
# `make setup` is the shared, idempotent set-up step both start with.

VENV ?= .venv
PYTHON ?= python3
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
STAMP_PY := $(VENV)/.installed
STAMP_NPM := node_modules/.installed
ASSETS := static/build/portal.css

.PHONY: setup run test lint migrate messages clean

setup: $(STAMP_PY) $(ASSETS) migrate

$(STAMP_PY): pyproject.toml
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $@

$(STAMP_NPM): package.json package-lock.json
	npm ci --no-audit --no-fund --ignore-scripts
	touch $@

$(ASSETS): $(STAMP_NPM) build-assets.mjs static/scss/portal.scss
	npm run --silent build

migrate: $(STAMP_PY)
	$(FLASK) db upgrade

run: setup
	$(FLASK) run --host 127.0.0.1 --port 5000

test: setup
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(STAMP_PY)
	$(BIN)/ruff check portal tests migrations wsgi.py
	$(BIN)/ruff format --check portal tests migrations wsgi.py

messages: $(STAMP_PY)
	$(BIN)/pybabel extract --no-location -F babel.cfg -k _l -o portal/translations/messages.pot .

clean:
	rm -rf $(VENV) node_modules static/build
