# Activity Hub: `make run` serves the demo on SQLite, `make test` runs every check CI runs.
SHELL := /bin/bash
.SHELLFLAGS := -o pipefail -c
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
# Test settings come from the environment, not from a second settings module.
TEST_ENV := DJANGO_SECRET_KEY=test-secret-key-not-for-production DJANGO_DEBUG=false DJANGO_SECURE_SSL_REDIRECT=false DJANGO_STATIC_MANIFEST=false

.PHONY: install run serve test lint typecheck migrations-check pytest security clean

$(STAMP): requirements.lock pyproject.toml
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11 or newer is needed"'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.lock
	@touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	DJANGO_DEBUG=true $(BIN)/python manage.py migrate --noinput
	DJANGO_DEBUG=true $(BIN)/python manage.py seed_demo
	DJANGO_DEBUG=true $(BIN)/python manage.py runserver $(HOST):$(PORT)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(TEST_ENV) $(BIN)/mypy .

migrations-check: $(STAMP)
	$(TEST_ENV) $(BIN)/python manage.py makemigrations --check --dry-run

pytest: $(STAMP)
	$(TEST_ENV) $(BIN)/pytest $(PYTEST_ARGS)

test: lint typecheck migrations-check pytest

# Production-style serving: gunicorn with config/gunicorn.py (set DJANGO_SECRET_KEY, DATABASE_URL, REDIS_URL).
serve: $(STAMP)
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py collectstatic --noinput
	$(BIN)/gunicorn -c config/gunicorn.py config.wsgi

# bandit on our code; pip-audit on the locked dependencies (needs PyPI's JSON API or OSV to be reachable).
security: $(STAMP)
	$(BIN)/bandit -q -c pyproject.toml -r .
	@mkdir -p var
	$(BIN)/pip-audit -r requirements.lock --no-deps --disable-pip --progress-spinner off 2>&1 | tee var/pip-audit.txt

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache

# The benchmark (bench/, docs/benchmarks.md): e.g. make bench BENCH_ARGS="--rows 100000 --rounds 1".
# PHONY: the bench/ directory would otherwise make the target look up to date.
BENCH_ARGS ?=
.PHONY: bench
bench: $(STAMP)
	$(BIN)/python -m bench $(BENCH_ARGS)
