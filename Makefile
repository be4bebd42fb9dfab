# Wijktour. `make demo` serves the product with demo data; `make test` runs the whole suite.
PYTHON ?= $(shell command -v python3.13 || command -v python3.12 || command -v python3)
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 8000
PYTEST_ARGS ?=

.PHONY: demo serve dev test test-slow setup test-setup migrate lint format bench clean chromium messages prod-like load pdf-deps
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

# The production-grade stack on SQLite: gunicorn + whitenoise, the task worker and the
# periodic jobs, with the demo data; mails are files in var/mail/. One Ctrl-C stops it all.
demo: setup
	PORT=$(PORT) $(BIN)/python scripts/serve.py demo

# The same stack without demo data: what a small organisation runs for real. Settings from the
# environment; with DJANGO_ENV=production it refuses insecure defaults (docs/operations.md).
serve: setup
	PORT=$(PORT) $(BIN)/python scripts/serve.py serve

# Django's auto-reloading development server (immediate tasks, mail on the console).
dev: setup
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo
	PORT=$(PORT) $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

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
	$(BIN)/python -m pytest -n 2 -m "not slow" $(PYTEST_ARGS)

# The rush and the fault tests: real PostgreSQL/Redis/SMTP/gunicorn processes of their own,
# started, killed and restarted (a few minutes; one at a time, they are heavy).
test-slow: test-setup
	$(BIN)/python -m pytest -m slow $(PYTEST_ARGS)

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
