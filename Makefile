# The front door: `make run` starts the viewer, `make test` runs every check. Both set up what
# they need on a fresh machine first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.setup-stamp
REF := .cache/ref
HOST ?= 127.0.0.1
PORT ?= 23300

.PHONY: setup run test test-postgres lint ref peers integrations-venv bench docs docs-build system-deps clean sdk-wheel

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
	@# The SDK was distributed as "runicorn" before it became "runicorn-sdk"; the old name (or the
	@# upstream package of that name) would shadow the same import package.
	$(BIN)/python -m pip uninstall -q -y runicorn 2>/dev/null || true
	$(BIN)/python -m pip install -q --disable-pip-version-check --no-deps -e ./sdk -e .
	touch $(STAMP)

run: setup
	$(BIN)/runicorn viewer --host $(HOST) --port $(PORT)

# The SDK alone as one wheel, $(SDK_WHEEL_DIR)/runicorn_sdk-<version>-py3-none-any.whl, for the
# machines where training runs: `pip install runicorn_sdk-*.whl` there needs neither this
# repository nor any other package. Built from a copy, so no build/ or *.egg-info lands in sdk/.
SDK_WHEEL_DIR ?= dist
PIP_PYTHON := $(firstword $(wildcard $(BIN)/python) $(PYTHON))
sdk-wheel:
	@mkdir -p $(SDK_WHEEL_DIR)
	@tmp=$$(mktemp -d) && cp -r sdk "$$tmp/sdk" && find "$$tmp/sdk" -name __pycache__ -prune -exec rm -rf {} + && \
	  $(PIP_PYTHON) -m pip wheel -q --disable-pip-version-check --no-deps -w $(SDK_WHEEL_DIR) "$$tmp/sdk"; \
	  status=$$?; rm -rf "$$tmp"; exit $$status
	@ls -1 $(SDK_WHEEL_DIR)/runicorn_sdk-*.whl

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

# The training frameworks the integration tests drive (tests/integrations), in a venv of their own:
# never in .venv, since neither the viewer nor the SDK needs them. torch first, alone, as the CPU
# wheel on disk (a CUDA build is never pulled).
INTEGRATIONS := .cache/integrations
integrations-venv: $(INTEGRATIONS)/.stamp

$(INTEGRATIONS)/.stamp: requirements/integrations.txt
	test -x $(INTEGRATIONS)/bin/python || $(PYTHON) -m venv $(INTEGRATIONS)
	$(INTEGRATIONS)/bin/python -m pip install -q --disable-pip-version-check torch==2.13.0
	$(INTEGRATIONS)/bin/python -m pip install -q --disable-pip-version-check -r requirements/integrations.txt
	touch $@

test: setup lint ref integrations-venv system-deps
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

# The documentation site (MkDocs, Material theme), offline. The OpenAPI page renders the schema the
# code describes, written next to it first; --strict turns a broken link into a failure
# (tests/docs builds it the same way).
DOCS_SITE ?= .cache/site
docs: setup docs-build

docs-build:
	tmp=$$(mktemp -d) && RUNICORN_DIR=$$tmp RUNICORN_DB_PATH=$$tmp/index.sqlite3 \
	  $(BIN)/python manage.py spectacular --format openapi-json --file docs/reference/openapi.json; \
	  status=$$?; rm -rf $$tmp; exit $$status
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict --quiet --site-dir $(DOCS_SITE)

bench: setup ref peers
	$(BIN)/python -m tests.benchmarks.run_all

clean:
	rm -rf $(VENV) .cache .pytest_cache .ruff_cache
