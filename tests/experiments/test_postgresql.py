"""The V2 list, query language and query plans on PostgreSQL (the team profile's database).

The suite itself runs on SQLite; this test runs the PostgreSQL-sensitive modules again in a child
pytest with ``DATABASE_URL`` pointing at a database of its own (created by pytest-django, dropped
after). Locally it skips when no PostgreSQL answers; under ``CI=true`` it must run.
"""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

pytestmark = pytest.mark.slow

DEFAULT_URL = "postgres://postgres:postgres@127.0.0.1:5432/test"
MODULES = [
    "tests/experiments/test_list_experiments.py",
    "tests/experiments/test_query_language.py",
    "tests/experiments/test_query_plans.py",
]
REPO = Path(__file__).resolve().parents[2]


def _reachable(url: str) -> str | None:
    import psycopg

    try:
        psycopg.connect(url, connect_timeout=3).close()
    except psycopg.Error as exc:
        return str(exc).strip().splitlines()[0]
    return None


def test_the_v2_queries_pass_on_postgresql(tmp_path):
    url = os.environ.get("RUNICORN_TEST_POSTGRES_URL", DEFAULT_URL)
    problem = _reachable(url)
    if problem:
        if os.environ.get("CI") == "true":
            pytest.fail(f"PostgreSQL at {url} is required under CI=true: {problem}")
        pytest.skip(f"no PostgreSQL at {url} (set RUNICORN_TEST_POSTGRES_URL): {problem}")
    # pytest-django creates test_<name> and drops it afterwards: a unique name keeps parallel
    # runs (and other suites on the same server) apart.
    parts = urlsplit(url)
    own = urlunsplit(parts._replace(path=f"/rv2_{uuid.uuid4().hex[:10]}"))
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "RUNICORN_"))}
    env.update({
        "DATABASE_URL": own,
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "XDG_DATA_HOME": str(tmp_path / "data"),
        "RUNICORN_DIR": str(tmp_path / "root"),
        "RUNICORN_DB_PATH": str(tmp_path / "unused.sqlite3"),
        "RUNICORN_START_INDEXER": "0",
        "RUNICORN_RATE_LIMIT_ENABLED": "0",
    })
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--create-db", *MODULES],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=600,
    )
    assert proc.returncode == 0, proc.stdout[-6000:] + proc.stderr[-2000:]
    assert " passed" in proc.stdout.splitlines()[-1]
