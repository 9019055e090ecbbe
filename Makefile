# reattune: the two quick-start commands are `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
# Debian packages the tests need: the browser (Debian's chromium, and its headless shell that
# the browser tests drive: docs/decisions/0007-browser-tests-headless-shell.md), node (the
# browser's crisis check run beside Python's), PostgreSQL, WeasyPrint's libraries, pdftotext.
TEST_DEBS := chromium chromium-headless-shell nodejs postgresql libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core poppler-utils
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
PYTEST_ARGS ?=
# Test processes: one per core and one more (CI has 2 cores, so 3), beside the PostgreSQL
# pass's one per core. Each gets its own test database and browser server. Many tests mostly
# wait (for the browser, a `reattune` subprocess, a crash drill's server): with one per core
# (2) the cores sat idle for a tenth of the run after the PostgreSQL pass ended (clean clone:
# 10 min 30 s); with two per core (4) every process paid its own start-up, browser and server,
# and the drills whose writers run for as long as the machine makes them wait grew (10 min 34
# s, 1,140 CPU-s); with 3: 9 min 35 s, 1,050 CPU-s, busy from the installs to the end.
# --dist worksteal: a worker that runs out of tests takes over queued ones from another, so
# the minutes-long drills near the end leave no core idle.
PYTEST_WORKERS ?= $(shell echo $$(( $$(nproc) + 1 )))
# The PostgreSQL pass runs every test whose outcome the database engine can change; the rest
# (pure-domain, browser, static analysis, what a page says) runs once, on SQLite. The list and
# its reasons are in tests/engines.py, kept honest by tests/test_engine_selection.py.
# Its processes: one per core, beside the SQLite pass's (see `test`).
PG_WORKERS ?= $(shell nproc)
# Bytecode caches on, whatever the machine's default: the suite starts a few hundred Python
# processes (test workers, `reattune` commands and servers), and with PYTHONDONTWRITEBYTECODE
# set each one compiled reattune's and the tests' sources again (about 0.3 CPU-s apiece).
# An empty value is "not set" to Python; __pycache__/ is in .gitignore.
test test-sqlite test-postgres: export PYTHONDONTWRITEBYTECODE :=
# One cache folder for both passes (tests/settings.py otherwise makes one per pass): the
# browser's crisis patterns, about 7 CPU-s to build, are then built once per version of the
# lexicons instead of once per pass. Public data only, named by a digest of what it is built from.
test test-sqlite test-postgres: export REATTUNE_CACHE_DIR := $(CURDIR)/build/test-cache

.PHONY: install install-test system-deps run test test-sqlite test-postgres lint format demo clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

install: $(BIN)/python
	$(BIN)/pip install --quiet -e .

install-test: $(BIN)/python
	$(BIN)/pip install --quiet -e ".[test]"
	cd tests/js && npm ci --no-audit --no-fund --silent

system-deps:
	@missing=$$(for p in $(TEST_DEBS); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "Installing Debian packages: $$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; \
	fi
	@test -x /usr/bin/chromium || { echo "chromium is missing after install"; exit 1; }
	@test -x /usr/bin/chromium-headless-shell || { echo "chromium-headless-shell is missing after install"; exit 1; }
	@command -v node >/dev/null || { echo "node is missing after install"; exit 1; }
	@command -v npm >/dev/null || { $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq npm; }

run: install
	$(BIN)/reattune serve --host $(HOST) --port $(PORT)

demo: install
	$(BIN)/reattune demo

# The two passes run side by side: each one alone leaves the cores idle while its tests wait
# (for a browser, a server starting, a drill's pause), and the other pass fills that time.
# --output-sync prints each pass's output in one piece when it ends; make fails if either fails.
test: system-deps install-test
	@echo "Running the SQLite and PostgreSQL passes side by side; each prints when it ends."
	@$(MAKE) --no-print-directory -j2 --output-sync=target test-sqlite test-postgres

test-sqlite:
	$(BIN)/python -m pytest -q -n $(PYTEST_WORKERS) --dist worksteal $(PYTEST_ARGS)

test-postgres:
	bash scripts/with-postgres.sh $(BIN)/python -m pytest -q -n $(PG_WORKERS) --dist worksteal $(PYTEST_ARGS)

lint: install-test
	$(BIN)/ruff check reattune tests bench
	$(BIN)/ruff format --check reattune tests bench
	$(BIN)/bandit -r reattune -q
	$(BIN)/lint-imports
	$(BIN)/mypy --no-incremental --cache-dir /dev/null

format:
	$(BIN)/ruff format reattune tests bench
	$(BIN)/ruff check --fix reattune tests bench

clean:
	rm -rf $(VENV) tests/js/node_modules build *.egg-info
