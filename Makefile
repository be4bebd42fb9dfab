# Wijktour. `make demo` serves the product with demo data; `make test` runs the whole suite.
PYTHON ?= $(shell command -v python3.13 || command -v python3.12 || command -v python3)
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 8000
PYTEST_ARGS ?=

.PHONY: demo test setup test-setup migrate lint format bench clean chromium messages prod-like load pdf-deps
PDF_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core poppler-utils

$(BIN)/python:
	@if command -v pyenv >/dev/null 2>&1; then \
		PY=$$(pyenv which python 2>/dev/null || echo $(PYTHON)); \
	else PY=$(PYTHON); fi; \
	$$PY -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

setup: $(VENV)/.installed

migrate: setup
	$(BIN)/python manage.py migrate --noinput

demo: setup
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo
	@echo ""
	@echo "Wijktour runs at http://127.0.0.1:$(PORT)/"
	@echo "Demo logins: coordinator / wijktour-demo  ·  partner-editor / wijktour-demo"
	@echo ""
	$(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

chromium:
	@command -v chromium >/dev/null 2>&1 || { \
		echo "Installing Debian's chromium for the browser tests"; \
		(apt-get update -qq && apt-get install -y -qq chromium) >/dev/null \
		|| sudo sh -c 'apt-get update -qq && apt-get install -y -qq chromium' >/dev/null; }

# WeasyPrint (accreditation PDFs) needs Pango; the tests read PDFs back with pdftotext.
pdf-deps: $(VENV)/.installed
	@($(BIN)/python -c "import weasyprint" >/dev/null 2>&1 && command -v pdftotext >/dev/null 2>&1) || { \
		echo "Installing WeasyPrint's system libraries and poppler-utils"; \
		(apt-get update -qq && apt-get install -y -qq $(PDF_PACKAGES)) >/dev/null \
		|| sudo sh -c 'apt-get update -qq && apt-get install -y -qq $(PDF_PACKAGES)' >/dev/null \
		|| echo "Could not install $(PDF_PACKAGES): PDFs will not render until they are installed."; }

setup: pdf-deps

test-setup: setup node_modules/.installed chromium pdf-deps

test: test-setup
	$(BIN)/python -m pytest -n 2 $(PYTEST_ARGS)

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: setup
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: setup
	@for script in bench/bench_*.py; do \
		echo "== $$script"; $(BIN)/python $$script || exit 1; done

# The production process layout on this machine (PostgreSQL, Redis, gunicorn, worker).
prod-like: setup
	scripts/prod_like.sh run

# Load test (locust, headless, ~60 s) on the production-like stack; prints the figures and
# fails on any error or overbooking. PROD_PORT/PROD_DATABASE_URL as for prod-like.
load: setup
	scripts/load_test.sh

# Translations: .po and the compiled .mo files are committed (no gettext needed to run).
messages: setup
	for app in network activities tours sessions ratings feeds; do \
		(cd $$app && DJANGO_SETTINGS_MODULE=backend.settings PYTHONPATH=.. ../$(BIN)/django-admin makemessages -l nl); done
	$(BIN)/python manage.py compilemessages --ignore '.venv' --ignore 'node_modules'

clean:
	rm -rf $(VENV) node_modules db.sqlite3 staticfiles
