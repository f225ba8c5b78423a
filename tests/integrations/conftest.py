"""Real training frameworks, run as training jobs would run them: a script in a subprocess with the
framework venv's python (``make integrations-venv``, requirements/integrations.txt) and only the
SDK on its path; the test then reads the run back through the viewer's API in this process."""

from __future__ import annotations

import os
import subprocess
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from runicorn import layout

REPO = Path(__file__).resolve().parents[2]
FRAMEWORK_PYTHON = REPO / ".cache" / "integrations" / "bin" / "python"


@pytest.fixture(scope="session")
def framework_python() -> Path:
    if not FRAMEWORK_PYTHON.is_file():
        message = f"{FRAMEWORK_PYTHON} is missing: run `make integrations-venv`"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    return FRAMEWORK_PYTHON


@pytest.fixture
def train(framework_python: Path, storage_root: Path, tmp_path: Path) -> Callable[..., Any]:
    """Run ``code`` as a training script writing into ``storage_root``; returns the finished process."""

    def _train(code: str, check: bool = True, timeout: float = 240) -> subprocess.CompletedProcess[str]:
        script = tmp_path / "train.py"
        script.write_text(textwrap.dedent(code), encoding="utf-8")
        env = {
            **os.environ,
            "PYTHONPATH": str(REPO / "sdk"),
            "RUNICORN_DIR": str(storage_root),
            "KERAS_BACKEND": "torch",
            "CUDA_VISIBLE_DEVICES": "",
            "TOKENIZERS_PARALLELISM": "false",
            "HF_HUB_OFFLINE": "1",
            "TRANSFORMERS_OFFLINE": "1",
            "OMP_NUM_THREADS": "1",
            "PYTHONWARNINGS": "ignore",
        }
        env.pop("DJANGO_SETTINGS_MODULE", None)
        done = subprocess.run([str(framework_python), str(script)], cwd=tmp_path, env=env, capture_output=True,
                              text=True, timeout=timeout)
        if check and done.returncode != 0:
            raise AssertionError(
                f"training script failed ({done.returncode}):\n{done.stdout[-3000:]}\n{done.stderr[-5000:]}")
        return done

    return _train


def only_run(storage_root: Path) -> layout.RunLocation:
    runs = list(layout.iter_run_dirs(storage_root))
    assert len(runs) == 1, runs
    return runs[0]


def served(api: Any, reindex: Callable[[], Any], storage_root: Path) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The one run as the viewer serves it: ``(GET /api/runs/{id}, rows of metrics_step)``."""
    reindex()
    run_id = only_run(storage_root).run_id
    detail = api.get(f"/api/runs/{run_id}")
    assert detail.status_code == 200, detail.content
    rows = api.get(f"/api/runs/{run_id}/metrics_step").json()["rows"]
    return detail.json(), rows
