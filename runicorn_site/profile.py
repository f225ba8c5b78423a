"""The team profile's environment, read once by ``settings.py`` and checked loudly.

The embedded profile (one person, 127.0.0.1) needs none of this; a team deployment selects itself
with ``RUNICORN_AUTH=required`` (plus ``DATABASE_URL``/``REDIS_URL``) and must then say which
secret signs sessions and which host names the viewer answers to. A missing or malformed value
stops the process at start with :class:`ImproperlyConfigured` naming what to set, instead of
serving with an insecure default.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

from .envvars import envstr

# Only ever used on loopback by one person: sessions are not used there (no login).
EMBEDDED_SECRET_KEY = "runicorn-embedded-profile-local-only"  # noqa: S105 - no logins there
EMBEDDED_ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]", "testserver"]
# What Django's `check --deploy` accepts as a strong key (security.W009).
MIN_SECRET_KEY_CHARS = 50
MIN_SECRET_KEY_UNIQUE = 5
_MAKE_KEY = "python -c 'import secrets; print(secrets.token_urlsafe(50))'"


def auth_required() -> bool:
    """``RUNICORN_AUTH``: ``required`` (team profile) or ``none``/unset (embedded profile)."""
    raw = envstr("RUNICORN_AUTH").strip().lower()
    if raw in ("", "none", "off"):
        return False
    if raw == "required":
        return True
    raise ImproperlyConfigured(
        f"RUNICORN_AUTH must be 'required' (team profile: every API and WebSocket request needs a login "
        f"or an API token) or 'none' (embedded profile, loopback only); got {raw!r}"
    )


def secret_key(required: bool) -> str:
    """``SECRET_KEY`` or the contents of ``SECRET_KEY_FILE`` (Docker/Kubernetes secrets)."""
    value = envstr("SECRET_KEY").strip()
    path = envstr("SECRET_KEY_FILE").strip()
    if value and path:
        raise ImproperlyConfigured("Set either SECRET_KEY or SECRET_KEY_FILE, not both")
    if path:
        try:
            value = Path(path).read_text().strip()
        except OSError as exc:
            raise ImproperlyConfigured(f"SECRET_KEY_FILE={path} cannot be read: {exc.strerror or exc}") from None
        if not value:
            raise ImproperlyConfigured(f"SECRET_KEY_FILE={path} is empty; write a key into it, e.g. with {_MAKE_KEY}")
    if not value:
        if required:
            raise ImproperlyConfigured(
                "RUNICORN_AUTH=required needs a secret key to sign sessions and CSRF tokens: set SECRET_KEY "
                f"(at least {MIN_SECRET_KEY_CHARS} random characters) or SECRET_KEY_FILE (the path of a file "
                f"holding one); make one with {_MAKE_KEY}"
            )
        return EMBEDDED_SECRET_KEY
    if required and (len(value) < MIN_SECRET_KEY_CHARS or len(set(value)) < MIN_SECRET_KEY_UNIQUE):
        raise ImproperlyConfigured(
            f"The secret key is too weak for RUNICORN_AUTH=required: it needs at least {MIN_SECRET_KEY_CHARS} "
            f"characters, {MIN_SECRET_KEY_UNIQUE} of them different; make one with {_MAKE_KEY}"
        )
    return value


def allowed_hosts(required: bool) -> list[str]:
    """``ALLOWED_HOSTS`` (comma-separated); the team profile must name its hosts."""
    raw = envstr("ALLOWED_HOSTS")
    hosts = [host.strip() for host in raw.split(",") if host.strip()]
    if hosts:
        return hosts
    if required:
        raise ImproperlyConfigured(
            "RUNICORN_AUTH=required needs ALLOWED_HOSTS: the host names clients use to reach the viewer, "
            "comma-separated (e.g. ALLOWED_HOSTS=runicorn.lab.example.org)"
        )
    return list(EMBEDDED_ALLOWED_HOSTS)


def csrf_trusted_origins() -> list[str]:
    """``CSRF_TRUSTED_ORIGINS``: extra origins (``https://host[:port]``) allowed to POST with a session."""
    origins = [o.strip() for o in envstr("CSRF_TRUSTED_ORIGINS").split(",") if o.strip()]
    for origin in origins:
        parts = urlsplit(origin)
        if parts.scheme not in ("http", "https") or not parts.netloc or parts.path not in ("", "/"):
            raise ImproperlyConfigured(
                f"CSRF_TRUSTED_ORIGINS entries must look like https://runicorn.example.org; got {origin!r}"
            )
    return origins


def database_url() -> str:
    """``DATABASE_URL`` (PostgreSQL, team profile) or ``""`` for the embedded SQLite file."""
    url = envstr("DATABASE_URL").strip()
    if url and urlsplit(url).scheme not in ("postgres", "postgresql", "pgsql", "sqlite"):
        raise ImproperlyConfigured(
            f"DATABASE_URL must be a PostgreSQL URL such as postgres://user:password@host:5432/runicorn; "
            f"got scheme {urlsplit(url).scheme!r}"
        )
    return url


def redis_url() -> str:
    """``REDIS_URL`` (channel layer, cache, Celery broker) or ``""``."""
    url = envstr("REDIS_URL").strip()
    if url and urlsplit(url).scheme not in ("redis", "rediss", "unix"):
        raise ImproperlyConfigured(f"REDIS_URL must look like redis://host:6379/0; got {url!r}")
    return url
