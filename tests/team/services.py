"""The team profile's real services for tests: a fresh PostgreSQL database, Redis, team env vars.

Locally a test that needs a service which is not answering skips and says which; under CI=true
(where PostgreSQL and Redis run on 127.0.0.1) it fails instead, so CI never passes by skipping.
"""

from __future__ import annotations

import os
import secrets
import socket
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

POSTGRES_URL = os.environ.get("RUNICORN_TEST_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/test")
REDIS_URL = os.environ.get("RUNICORN_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
REPO = Path(__file__).resolve().parents[2]


def unavailable(what: str, problem: str) -> None:
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{what} is required under CI=true: {problem}")
    pytest.skip(f"{what} not available ({problem}); set RUNICORN_TEST_POSTGRES_URL / RUNICORN_TEST_REDIS_URL")


def postgres_problem(url: str = POSTGRES_URL) -> str | None:
    import psycopg

    try:
        psycopg.connect(url, connect_timeout=3).close()
    except psycopg.Error as exc:
        return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return None


def redis_problem(url: str = REDIS_URL) -> str | None:
    parts = urlsplit(url)
    try:
        with socket.create_connection((parts.hostname or "127.0.0.1", parts.port or 6379), timeout=2) as sock:
            sock.sendall(b"PING\r\n")
            if not sock.recv(16).startswith(b"+PONG"):
                return "no PONG"
    except OSError as exc:
        return str(exc)
    return None


def require_redis() -> str:
    problem = redis_problem()
    if problem:
        unavailable(f"Redis at {REDIS_URL}", problem)
    return REDIS_URL


def create_database() -> str:
    """A new, empty PostgreSQL database; its URL. Raises RuntimeError when PostgreSQL is not there."""
    import psycopg

    problem = postgres_problem()
    if problem:
        raise RuntimeError(f"PostgreSQL at {POSTGRES_URL}: {problem}")
    name = f"rteam_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(POSTGRES_URL, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    return urlunsplit(urlsplit(POSTGRES_URL)._replace(path=f"/{name}"))


def drop_database(url: str) -> None:
    import psycopg

    name = urlsplit(url).path.lstrip("/")
    with psycopg.connect(POSTGRES_URL, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextmanager
def fresh_database() -> Iterator[str]:
    """A new, empty PostgreSQL database for one test or module; dropped afterwards."""
    problem = postgres_problem()
    if problem:
        unavailable(f"PostgreSQL at {POSTGRES_URL}", problem)
    url = create_database()
    try:
        yield url
    finally:
        drop_database(url)


def team_env(database_url: str, redis_url: str, **extra: str) -> dict[str, str]:
    """Environment of a team-profile process (viewer, worker, manage.py) for these services."""
    tag = uuid.uuid4().hex[:8]
    env = {
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "RUNICORN_AUTH": "required",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        # Own queue and rate-limit counters: other suites may share this Redis.
        "RUNICORN_CELERY_QUEUE": f"runicorn-team-{tag}",
        "RUNICORN_RATE_LIMIT_PREFIX": f"rl-team-{tag}:",
        "RUNICORN_EMBEDDED_BEAT": "0",
    }
    env.update(extra)
    return env


def child_env(env: dict[str, str]) -> dict[str, str]:
    """os.environ (as isolated by tests/conftest.py) plus ``env``, without another test DB's URL."""
    base = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    return {**base, "PYTHONUNBUFFERED": "1", **env}
