"""The team profile's settings: read from the environment, refused loudly when wrong or missing."""

from __future__ import annotations

import secrets
import subprocess
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured

from runicorn_site import profile

from .services import REPO, child_env

STRONG_KEY = secrets.token_urlsafe(50)
TEAM = {
    "RUNICORN_AUTH": "required",
    "SECRET_KEY": STRONG_KEY,
    "ALLOWED_HOSTS": "runicorn.lab.example.org",
    "DATABASE_URL": "postgres://runicorn:pw@db.internal:5432/runicorn",
    "REDIS_URL": "redis://redis.internal:6379/0",
    "RUNICORN_BEHIND_HTTPS": "1",
}


def manage(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    scrubbed = {k: "" for k in ("SECRET_KEY", "SECRET_KEY_FILE", "ALLOWED_HOSTS", "RUNICORN_AUTH")}
    return subprocess.run([sys.executable, "manage.py", *args], cwd=REPO, env=child_env({**scrubbed, **env}),
                          capture_output=True, text=True, timeout=120)


@pytest.fixture
def clean_env(monkeypatch):  # type: ignore[no-untyped-def]
    for name in ("RUNICORN_AUTH", "SECRET_KEY", "SECRET_KEY_FILE", "ALLOWED_HOSTS", "CSRF_TRUSTED_ORIGINS",
                 "DATABASE_URL", "REDIS_URL"):
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def test_the_embedded_profile_needs_no_settings(clean_env):
    assert profile.auth_required() is False
    assert profile.secret_key(False) == profile.EMBEDDED_SECRET_KEY
    assert "127.0.0.1" in profile.allowed_hosts(False)


def test_auth_required_without_a_secret_key_says_what_to_set(clean_env):
    clean_env.setenv("RUNICORN_AUTH", "required")
    assert profile.auth_required() is True
    with pytest.raises(ImproperlyConfigured, match="set SECRET_KEY .* or SECRET_KEY_FILE"):
        profile.secret_key(True)


def test_a_secret_key_file_is_read_and_checked(clean_env, tmp_path):
    key_file = tmp_path / "key"
    key_file.write_text(STRONG_KEY + "\n")
    clean_env.setenv("SECRET_KEY_FILE", str(key_file))
    assert profile.secret_key(True) == STRONG_KEY

    key_file.write_text("")
    with pytest.raises(ImproperlyConfigured, match="is empty"):
        profile.secret_key(True)
    clean_env.setenv("SECRET_KEY_FILE", str(tmp_path / "missing"))
    with pytest.raises(ImproperlyConfigured, match="cannot be read"):
        profile.secret_key(True)
    clean_env.setenv("SECRET_KEY", STRONG_KEY)
    with pytest.raises(ImproperlyConfigured, match="not both"):
        profile.secret_key(True)


@pytest.mark.parametrize(("name", "value", "check", "message"), [
    ("RUNICORN_AUTH", "yes", profile.auth_required, "must be 'required'"),
    ("SECRET_KEY", "short", lambda: profile.secret_key(True), "too weak"),
    ("CSRF_TRUSTED_ORIGINS", "runicorn.example.org", profile.csrf_trusted_origins, "https://"),
    ("DATABASE_URL", "mysql://db/x", profile.database_url, "PostgreSQL URL"),
    ("REDIS_URL", "localhost:6379", profile.redis_url, "redis://"),
])
def test_bad_values_fail_loudly(clean_env, name, value, check, message):
    clean_env.setenv(name, value)
    with pytest.raises(ImproperlyConfigured, match=message):
        check()


def test_auth_required_without_allowed_hosts_says_what_to_set(clean_env):
    with pytest.raises(ImproperlyConfigured, match="needs ALLOWED_HOSTS"):
        profile.allowed_hosts(True)
    clean_env.setenv("ALLOWED_HOSTS", "a.example.org, b.example.org")
    assert profile.allowed_hosts(True) == ["a.example.org", "b.example.org"]


def test_the_server_does_not_start_with_a_missing_secret_key():
    result = manage({"RUNICORN_AUTH": "required", "ALLOWED_HOSTS": "x.example.org"}, "check")

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and "SECRET_KEY_FILE" in result.stderr


def test_check_deploy_finds_nothing_in_the_team_profile_behind_https():
    result = manage(TEAM, "check", "--deploy", "--fail-level", "WARNING")

    assert result.returncode == 0, result.stdout + result.stderr
    # Only HSTS includeSubDomains/preload are silenced (README: Running for a team says why).
    assert "System check identified no issues (2 silenced)." in result.stdout


def test_check_deploy_names_what_plain_http_lacks():
    result = manage({**TEAM, "RUNICORN_BEHIND_HTTPS": "0"}, "check", "--deploy")

    for check in ("security.W004", "security.W008", "security.W012", "security.W016"):
        assert check in result.stdout + result.stderr


def test_the_embedded_viewer_refuses_a_public_address_and_says_how_to_enable_auth(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "runicorn", "viewer", "--host", "0.0.0.0", "--port", "1"],  # noqa: S104
        cwd=REPO, env=child_env({"RUNICORN_DIR": str(tmp_path), "RUNICORN_AUTH": ""}),
        capture_output=True, text=True, timeout=120,
    )

    assert result.returncode == 2
    assert "RUNICORN_AUTH=required" in result.stderr and "SECRET_KEY" in result.stderr
