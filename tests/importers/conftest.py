"""Importers run the way a user runs them: ``runicorn import ...`` with the framework venv's python
(the tools' own readers live there), then the runs are read back through the viewer's API."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.integrations.conftest import REPO, framework_python, train  # noqa: F401 - fixtures used here

__all__ = ["REPO"]


@pytest.fixture
def cli(framework_python: Path, storage_root: Path, tmp_path: Path) -> Callable[..., Any]:  # noqa: F811
    """``runicorn <args> --storage <storage_root>`` in the framework venv; the finished process."""

    def _cli(*args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        env = {"PYTHONPATH": str(REPO / "sdk"), "PATH": "/usr/bin:/bin", "HOME": str(tmp_path),
               "PYTHONWARNINGS": "ignore", "MLFLOW_TRACKING_URI": ""}
        done = subprocess.run([str(framework_python), "-m", "runicorn", *args, "--storage", str(storage_root)],
                              cwd=tmp_path, env=env, capture_output=True, text=True, timeout=240)
        if check and done.returncode != 0:
            raise AssertionError(f"runicorn {' '.join(args)} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
        return done

    return _cli
