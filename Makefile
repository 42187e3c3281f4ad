# fangkong — two commands on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEMO_DB ?= sqlite:///$(CURDIR)/var/demo.sqlite3
PORT ?= 8000
LINT_PATHS := $(wildcard src tests bench)

.PHONY: demo demo-code test test-clock test-sqlite test-pg lint format messages bench env clean

env: $(STAMP)

# The environment: Python packages from the lock file (hashes checked), then fangkong itself.
$(STAMP): requirements.lock pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $(STAMP)

demo: env
	FANGKONG_TODAY=$${FANGKONG_TODAY-2020-02-03} FANGKONG_DATABASE_URL=$(DEMO_DB) $(BIN)/fangkong demo --reset --port $(PORT)

# The current 6-digit code of a demo account that signs in with a second factor
# (zhihui, juzhang, admin: the demo's published authenticator secret): make demo-code WHO=admin
demo-code: env
	@FANGKONG_DATABASE_URL=$(DEMO_DB) $(BIN)/fangkong otp code $(or $(WHO),zhihui)

# The whole suite on SQLite; again on PostgreSQL when FANGKONG_TEST_PG is a database URL.
# No test may depend on the hour it runs at: each run sets the platform's clock (core.clock,
# not the machine's) with --clock, SQLite a minute before midnight, PostgreSQL just after it.
test: env
	$(BIN)/pytest --clock 23:59
	@if [ -n "$$FANGKONG_TEST_PG" ]; then \
		echo "== PostgreSQL: $$FANGKONG_TEST_PG (clock 00:30)"; \
		FANGKONG_DATABASE_URL="$$FANGKONG_TEST_PG" $(BIN)/pytest --clock 00:30; \
	else \
		echo "FANGKONG_TEST_PG is not set: PostgreSQL run skipped"; \
	fi

# The SQLite suite at each hour that has broken a test: after midnight, either side of noon
# (the follow-up windows turn) and before midnight. One run after another.
CLOCKS ?= 00:30 11:59 12:01 23:59
test-clock: env
	@for at in $(CLOCKS); do \
		echo "== SQLite, clock $$at Asia/Shanghai"; \
		$(BIN)/pytest --clock $$at -x -q -p no:cacheprovider || exit 1; \
	done

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

# Every benchmark under bench/ (each prints its figures and ratios; see bench/README.md).
bench: env
	@for f in bench/*_bench.py; do echo "== $$f"; $(BIN)/python $$f || exit 1; done

clean:
	rm -rf $(VENV) var/demo.sqlite3* .pytest_cache .mypy_cache .ruff_cache
