# The front door: `make run` starts the viewer, `make test` runs every check. Both set up what
# they need on a fresh machine first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.setup-stamp
REF := .cache/ref
HOST ?= 127.0.0.1
PORT ?= 23300

.PHONY: setup run test test-postgres lint ref peers bench system-deps clean

FRONTEND_SRC := $(shell find frontend/src frontend/scripts frontend/index.html frontend/vite.config.ts frontend/tsconfig.json -type f 2>/dev/null)

setup: $(STAMP) frontend/dist/index.html

# npm ci only when the lock file changed; the build only when a source changed.
frontend/node_modules/.stamp: frontend/package.json frontend/package-lock.json
	cd frontend && npm ci --no-audit --no-fund --loglevel=error
	touch $@

frontend/dist/index.html: frontend/node_modules/.stamp $(FRONTEND_SRC)
	cd frontend && npm run build

$(STAMP): requirements/base.txt requirements/dev.txt pyproject.toml sdk/pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install -q --disable-pip-version-check -r requirements/dev.txt
	$(BIN)/python -m pip install -q --disable-pip-version-check --no-deps -e ./sdk -e .
	touch $(STAMP)

run: setup
	$(BIN)/runicorn viewer --host $(HOST) --port $(PORT)

lint: setup
	$(BIN)/ruff check .

# The reference implementation, in its own venv, for the compatibility tests and benchmarks.
ref: $(REF)/bin/runicorn

$(REF)/bin/runicorn:
	$(PYTHON) -m venv $(REF)
	$(REF)/bin/python -m pip install -q --disable-pip-version-check runicorn==0.5.3

# Aim in its own venv, for tests/benchmarks/bench_peers.py (the same run beside Aim's server).
AIM := .cache/aim
peers: $(AIM)/bin/aim

$(AIM)/bin/aim:
	$(PYTHON) -m venv $(AIM)
	$(AIM)/bin/python -m pip install -q --disable-pip-version-check aim==3.29.1

# System packages the tests use: OpenSSH's sshd (tests/fixtures/sshd.py) and Debian's chromium
# (the browser tests in tests/ui drive it through Playwright; no browser is downloaded) and a CJK
# font so the Chinese locale renders glyphs, not boxes, in screenshots. Quick when present.
system-deps:
	@command -v /usr/sbin/sshd >/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openssh-server)
	@command -v /usr/bin/chromium >/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium)
	@test -d /usr/share/fonts/truetype/wqy || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-wqy-microhei)

test: setup lint ref system-deps
	cd frontend && npm test
	$(BIN)/pytest
	$(MAKE) --no-print-directory test-postgres

# The whole suite again on PostgreSQL, the team profile's database (pytest-django creates
# test_<name> and drops it): measured 5.3 min for 1,088 tests on a 2-core machine, so `make test`
# runs all of it. Viewers the tests start keep their own SQLite files (tests/conftest.py).
# The browser tests (tests/ui) are left out: they only talk to viewers they start, which keep
# their own SQLite files, so on PostgreSQL they would repeat the SQLite run word for word.
# A part only: make test-postgres POSTGRES_TESTS="tests/runs tests/team".
POSTGRES_TEST_URL ?= postgres://postgres@127.0.0.1:5432/test
POSTGRES_TESTS ?= --ignore=tests/ui
test-postgres: setup
	DATABASE_URL=$(POSTGRES_TEST_URL) $(BIN)/pytest -p no:cacheprovider $(POSTGRES_TESTS)

bench: setup ref peers
	$(BIN)/python -m tests.benchmarks.run_all

clean:
	rm -rf $(VENV) .cache .pytest_cache .ruff_cache
