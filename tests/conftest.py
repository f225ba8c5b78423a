"""Shared fixtures. The environment is fixed before Django's settings are read, so no test ever
touches the user's real config, storage root or index database."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

_SESSION_DIR = Path(tempfile.mkdtemp(prefix="runicorn-tests-"))
os.environ["XDG_CONFIG_HOME"] = str(_SESSION_DIR / "config")
os.environ["XDG_DATA_HOME"] = str(_SESSION_DIR / "data")
os.environ["XDG_CACHE_HOME"] = str(_SESSION_DIR / "cache")  # the SDK's artifact download cache
(_SESSION_DIR / "runtime").mkdir()
os.environ["XDG_RUNTIME_DIR"] = str(_SESSION_DIR / "runtime")  # viewers announce themselves here
os.environ["RUNICORN_DIR"] = str(_SESSION_DIR / "default-root")
os.environ["RUNICORN_DB_PATH"] = str(_SESSION_DIR / "data" / "index.sqlite3")
os.environ["RUNICORN_START_INDEXER"] = "0"
# No embedded beat either: importing the ASGI app (Channels tests) would otherwise start a thread
# that reconciles and writes manifests behind the tests' backs, leaking runs between tests.
os.environ["RUNICORN_EMBEDDED_BEAT"] = "0"
# Rate limits off: suites and benchmarks hammer endpoints; tests/system/test_ratelimit.py turns them on.
os.environ["RUNICORN_RATE_LIMIT_ENABLED"] = "0"
# Likewise the per-account lock-out: the suite's users fail logins on purpose, in one shared cache;
# tests/security/test_login_limits.py sets it low.
os.environ["RUNICORN_LOGIN_MAX_FAILURES"] = "1000000"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "runicorn_site.settings")

import django  # noqa: E402
import pytest  # noqa: E402

# Settings are read here, after the environment above, so the database and storage root are the
# session's own (concurrent runs never share a test database, nothing touches ~/.local/share).
django.setup()
# `make test-postgres` is about this process's database (pytest-django's test_<name>): viewers and
# workers that tests start keep their own SQLite files as in the default run, instead of all
# sharing (and racing for) the one base database. tests/team starts PostgreSQL viewers on fresh
# databases of their own.
os.environ.pop("DATABASE_URL", None)

pytest_plugins = ["tests.fixtures.storage", "tests.fixtures.live_server", "tests.fixtures.sshd"]


@pytest.fixture(scope="session")
def session_dir() -> Path:
    return _SESSION_DIR
