# fangkong — two commands on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEMO_DB ?= sqlite:///$(CURDIR)/var/demo.sqlite3
PORT ?= 8000
LINT_PATHS := $(wildcard src tests bench)

.PHONY: demo test test-sqlite test-pg lint format messages bench env clean

env: $(STAMP)

# The environment: Python packages from the lock file (hashes checked), then fangkong itself.
$(STAMP): requirements.lock pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $(STAMP)

demo: env
	FANGKONG_DATABASE_URL=$(DEMO_DB) $(BIN)/fangkong demo --reset --port $(PORT)

# The whole suite on SQLite; again on PostgreSQL when FANGKONG_TEST_PG is a database URL.
test: env
	$(BIN)/pytest
	@if [ -n "$$FANGKONG_TEST_PG" ]; then \
		echo "== PostgreSQL: $$FANGKONG_TEST_PG"; \
		FANGKONG_DATABASE_URL="$$FANGKONG_TEST_PG" $(BIN)/pytest; \
	else \
		echo "FANGKONG_TEST_PG is not set: PostgreSQL run skipped"; \
	fi

lint: env
	$(BIN)/ruff check $(LINT_PATHS)
	$(BIN)/ruff format --check $(LINT_PATHS)
	$(BIN)/mypy

format: env
	$(BIN)/ruff check --fix $(LINT_PATHS)
	$(BIN)/ruff format $(LINT_PATHS)

# Extract translatable strings into the English catalogue, then compile (needs gettext).
messages: env
	cd src/fangkong && ../../$(BIN)/fangkong makemessages -l en --no-obsolete --no-location
	cd src/fangkong && ../../$(BIN)/fangkong compilemessages -l en

clean:
	rm -rf $(VENV) var/demo.sqlite3* .pytest_cache .mypy_cache .ruff_cache

# Every benchmark under bench/ (each prints ratios to a floor measured in the same run).
bench: env
	for b in bench/*_bench.py; do echo "== $$b"; $(BIN)/python $$b || exit 1; done
