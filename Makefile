# Опора: the two commands of the README (make run, make test) and their parts.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
PG_URL ?= postgresql://postgres@127.0.0.1:5432/opora

.PHONY: install run test test-sqlite test-postgres lint chromium clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

run: install
	$(BIN)/opora migrate --noinput
	$(BIN)/opora demo --if-empty
	@echo ""
	@echo "Опора: http://$(HOST):$(PORT)/  (остановка: Ctrl+C)"
	@echo ""
	@trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(BIN)/opora db_worker & worker=$$!; \
	$(BIN)/opora runserver $(HOST):$(PORT)

# Debian's chromium for the browser tests; Playwright never downloads a browser.
chromium:
	@test -x /usr/bin/chromium || { \
	  echo "Устанавливается chromium из пакетов Debian…"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null; }

# Code style, the import contracts of docs/architecture.md and the types of the analytics.
lint: install
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	$(BIN)/mypy opora/analytics

test-sqlite: install chromium
	env -u DATABASE_URL $(BIN)/pytest

test-postgres: install chromium
	@if $(BIN)/python -c "import psycopg; psycopg.connect('postgresql://postgres@127.0.0.1:5432/postgres', connect_timeout=3).close()" 2>/dev/null; then \
	  echo "PostgreSQL отвечает на 127.0.0.1:5432: тесты на PostgreSQL"; \
	  DATABASE_URL=$${DATABASE_URL:-$(PG_URL)} $(BIN)/pytest; \
	elif [ -n "$$OPORA_REQUIRE_POSTGRES" ]; then \
	  echo "PostgreSQL не отвечает на 127.0.0.1:5432, а OPORA_REQUIRE_POSTGRES задан"; exit 1; \
	else \
	  echo "PostgreSQL не отвечает на 127.0.0.1:5432: тесты на PostgreSQL пропущены"; \
	fi

test: lint test-sqlite test-postgres

clean:
	rm -rf $(VENV) var/test-artifacts .pytest_cache .ruff_cache
