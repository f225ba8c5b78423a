"""Fixtures for the attack tests: runs written by the real SDK, and secrets outside the root."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.sdk.conftest import _no_run_left_open  # noqa: F401 - autouse: no test leaks an open run
from tests.team.conftest import admin_user, member, other_member, team  # noqa: F401 - team profile and users


@pytest.fixture
def secrets_dir(tmp_path: Path) -> Path:
    """What an attacker wants: a folder outside the storage root, like the viewer's config dir."""
    path = tmp_path / "viewer-config"
    path.mkdir()
    (path / "secrets.key").write_text("TOP-SECRET-KEY\n")
    (path / "events.jsonl").write_text('{"ts": 1.0, "type": "metrics", "data": {"secret": 31337, "global_step": 1}}\n')
    (path / "environment.json").write_text('{"secret": "TOP-SECRET-ENV"}')
    return path


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):  # type: ignore[no-untyped-def]
    """Users are created after this (autouse runs first), so logins here cost no PBKDF2 rounds."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _own_config_home(tmp_path, monkeypatch):  # type: ignore[no-untyped-def]
    """A user config directory per test: switching the storage root writes user_root_dir there,
    and it must not leak into later tests (or into viewers they start)."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))
