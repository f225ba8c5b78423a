"""The ``runicorn`` command in real subprocesses, on storage roots written by the real SDK."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def cli_env(tmp_path: Path) -> dict[str, str]:
    """An environment of the test's own: config, data and working directory under tmp_path."""
    env = dict(os.environ)
    for key in ("RUNICORN_DIR", "RUNICORN_RATE_LIMITS", "RUNICORN_RATE_LIMIT_ENABLED", "DJANGO_SETTINGS_MODULE",
                "RUNICORN_DB_PATH"):
        env.pop(key, None)
    env.update({
        "PYTHONPATH": os.pathsep.join([str(REPO / "sdk"), str(REPO)]),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "XDG_DATA_HOME": str(tmp_path / "data"),
        "RUNICORN_QUIET": "1",
    })
    return env


Cli = Callable[..., subprocess.CompletedProcess]


@pytest.fixture
def cli(cli_env: dict[str, str], tmp_path: Path) -> Cli:
    """``cli("manage", "--action", "search", input="y\\n")``: run ``python -m runicorn`` and return
    the finished process (stdout, stderr as text)."""
    workdir = tmp_path / "work"
    workdir.mkdir(exist_ok=True)

    def _run(*args: str, input: str | None = None, env: dict[str, str] | None = None,
             timeout: float = 120) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "runicorn", *args], cwd=workdir, env={**cli_env, **(env or {})},
            input=input, capture_output=True, text=True, timeout=timeout,
        )

    return _run


@pytest.fixture
def root(tmp_path: Path) -> Path:
    path = tmp_path / "root"
    path.mkdir()
    return path


SdkScript = Callable[[str], Any]


@pytest.fixture
def sdk(cli_env: dict[str, str], root: Path, tmp_path: Path) -> SdkScript:
    """Run training code with the real SDK in a child process writing into ``root``; returns what
    the code prints as JSON on its last line (e.g. the run ids)."""

    def _run(code: str) -> Any:
        script = tmp_path / "train.py"
        script.write_text("import json\nimport runicorn as rn\n" + textwrap.dedent(code), encoding="utf-8")
        done = subprocess.run([sys.executable, str(script)], env={**cli_env, "RUNICORN_DIR": str(root)},
                              capture_output=True, text=True, timeout=120, cwd=tmp_path)
        assert done.returncode == 0, done.stderr
        lines = done.stdout.strip().splitlines()
        return json.loads(lines[-1]) if lines else None

    return _run


def make_runs(sdk: SdkScript, specs: list[dict[str, Any]]) -> list[str]:
    """One finished run per spec ({project, name, tags, metrics: [{...}, ...], summary}); their ids."""
    return sdk(f"""
        ids = []
        for spec in {specs!r}:
            run = rn.init(project=spec.get("project", "vision"), name=spec.get("name", "resnet"),
                          tags=spec.get("tags"))
            for step, row in enumerate(spec.get("metrics", [])):
                rn.log(row, step=step)
            if spec.get("summary"):
                rn.summary(spec["summary"])
            rn.finish(spec.get("status", "finished"))
            ids.append(run.id)
        print(json.dumps(ids))
    """)
