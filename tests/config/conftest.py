from __future__ import annotations

from pathlib import Path

import pytest
from rest_framework.test import APIClient


@pytest.fixture
def config_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A user config directory of the test's own (config.json, secrets.key, known_hosts)."""
    home = tmp_path / "xdg-config"
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home))
    return home / "runicorn"


@pytest.fixture
def client(config_home: Path) -> APIClient:
    return APIClient()
