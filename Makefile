# Treaty KB: the index of everything you can run. Start with `make run` or `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
STAMP := $(VENV)/.installed-$(shell sha1sum requirements.lock 2>/dev/null | cut -c1-12)
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=

.PHONY: help setup run serve db migrate data test test-fast test-browser test-postgres pg-start pg-stop \
        lint fmt migrations-check check-data data-refresh lock superuser clean bench bench-smoke \
        backup restore audit

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-18s %s\n", $$1, $$2}'

$(STAMP): requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -r requirements.lock
	rm -f $(VENV)/.installed-*; touch $(STAMP)

setup: $(STAMP) ## Create the virtualenv and install the pinned dependencies

migrate: setup ## Apply database migrations
	$(MANAGE) migrate --noinput

data: migrate ## Load (or refresh) the treaty data set; idempotent
	$(MANAGE) load_treaty_data

db: data

run: data ## Set up everything and serve the site on http://$(HOST):$(PORT)
	$(MANAGE) runserver $(HOST):$(PORT)

serve: run

test: setup ## Set up and run the whole test suite (browser tests included)
	scripts/ensure-chromium
	scripts/ensure-judges
	$(BIN)/pytest $(PYTEST_ARGS)

test-fast: setup ## Run the suite without the browser tests
	$(BIN)/pytest -m "not browser" $(PYTEST_ARGS)

test-browser: setup ## Run only the browser tests
	scripts/ensure-chromium
	scripts/ensure-judges
	$(BIN)/pytest -m browser $(PYTEST_ARGS)

test-postgres: setup ## Run the suite on a throw-away local PostgreSQL cluster (browser tests: make test)
	DATABASE_URL=$$(scripts/pg-cluster start) $(MAKE) test PYTEST_ARGS='-m "not browser" $(PYTEST_ARGS)'

pg-start: ## Start the throw-away PostgreSQL cluster and print its DATABASE_URL
	@scripts/pg-cluster start

pg-stop: ## Stop the throw-away PostgreSQL cluster
	@scripts/pg-cluster stop

lint: setup ## Lint with ruff
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

fmt: setup ## Format with ruff
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

audit: setup ## Known vulnerabilities in requirements.lock (pip-audit; fails on a finding)
	timeout 600 $(BIN)/python scripts/audit

migrations-check: setup ## Fail if a model change has no migration
	$(MANAGE) makemigrations --check --dry-run

check-data: setup ## Report data inconsistencies; exits non-zero on errors
	$(MANAGE) check_data

bench: setup ## Benchmark: gunicorn + PostgreSQL, real vs whole-collection data, wrk (bench/README.md)
	$(BIN)/python bench/run.py $(BENCH_ARGS)

bench-smoke: setup ## The benchmark in a few seconds at small scale (run by CI so it cannot rot)
	$(BIN)/python bench/run.py --smoke $(BENCH_ARGS)

SHARED ?= ../shared/data
data-refresh: ## Copy the shared data set into fixtures/ (then `make data`)
	test -d $(SHARED)/treaties && test -d $(SHARED)/status
	rm -rf fixtures/treaties fixtures/status
	cp -r $(SHARED)/treaties fixtures/treaties
	cp -r $(SHARED)/status fixtures/status
	chmod -R u+w fixtures/treaties fixtures/status
	@echo "fixtures/ refreshed from $(SHARED); run 'make data' to load it."

lock: ## Re-pin requirements.lock from pyproject.toml
	$(BIN)/python -m pip install -q pip-tools
	CUSTOM_COMPILE_COMMAND="make lock" $(BIN)/pip-compile -q --extra dev --strip-extras --no-emit-index-url --no-emit-find-links \
	  --allow-unsafe -o requirements.lock pyproject.toml

backup: setup ## Back up the database into backups/ (pg_dump on PostgreSQL; SQLite's online backup)
	$(MANAGE) backup_db

restore: setup ## Restore a backup into an EMPTY database: make restore FILE=backups/... [FORCE=1]
	@test -n "$(FILE)" || { echo "usage: make restore FILE=backups/treatykb-<time>.dump [FORCE=1]" >&2; exit 2; }
	$(MANAGE) restore_db "$(FILE)" $(if $(filter 1 yes true,$(FORCE)),--force)

superuser: migrate ## Create an admin account
	$(MANAGE) createsuperuser

clean: ## Remove the virtualenv and the local SQLite database
	rm -rf $(VENV) db.sqlite3
