"""Helpers for the SDK tests: reading a run back, and running training scripts in real processes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from runicorn import layout, lifecycle


@pytest.fixture(autouse=True)
def _no_run_left_open() -> Iterator[None]:
    """A test that forgets finish() must not leak its run (or its console tee) into the next."""
    yield
    lifecycle.close_all("finished")
    lifecycle.active = None


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return tmp_path / "root"


def the_run_dir(root: Path, project: str | None = None) -> Path:
    runs = [loc for loc in layout.iter_run_dirs(root) if project is None or loc.project == project]
    assert len(runs) == 1, f"expected one run under {root}, found {runs}"
    return runs[0].path


def read_events(run_dir: Path) -> list[dict[str, Any]]:
    """Every line of events.jsonl parsed strictly: a torn or non-JSON line fails the test."""
    raw = (run_dir / layout.EVENTS_FILE).read_bytes()
    assert raw == b"" or raw.endswith(b"\n"), "events.jsonl ends in the middle of a line"
    return [json.loads(line, parse_constant=_reject_constant) for line in raw.decode("utf-8").splitlines()]


def _reject_constant(name: str) -> Any:
    raise AssertionError(f"non-standard JSON constant {name} in events.jsonl")


def metric_steps(events: list[dict[str, Any]]) -> list[int]:
    return [e["data"]["global_step"] for e in events if e["type"] == "metrics"]


def read_json_file(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


@pytest.fixture
def write_script(tmp_path: Path) -> Callable[[str], Path]:
    def _write(code: str) -> Path:
        path = tmp_path / "child.py"
        path.write_text(textwrap.dedent(code), encoding="utf-8")
        return path

    return _write


def child_env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONUNBUFFERED"] = "1"
    return env


def run_child(script: Path, *args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(script), *args], capture_output=True, text=True, timeout=timeout, env=child_env()
    )


def start_child(script: Path, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, str(script), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=child_env(),
    )
