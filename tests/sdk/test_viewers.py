"""Viewer announcements (runicorn.viewers): what rn.init reads to print a run's URL."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from runicorn import viewers


@pytest.fixture
def runtime(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(tmp_path))
    return tmp_path / "runicorn" / "viewers"


def test_an_announcement_names_the_root_follows_a_switch_and_is_withdrawn(runtime: Path, tmp_path: Path) -> None:
    try:
        path = viewers.announce("http://127.0.0.1:23300/", tmp_path / "a")
        assert path == runtime / f"{__import__('os').getpid()}.json"
        assert viewers.viewer_url_for(tmp_path / "a") == "http://127.0.0.1:23300"
        viewers.update_root(tmp_path / "b")
        assert viewers.viewer_url_for(tmp_path / "a") is None
        assert viewers.viewer_url_for(tmp_path / "b") == "http://127.0.0.1:23300"
    finally:
        viewers.withdraw()
    assert list(runtime.iterdir()) == []


def test_files_of_dead_viewers_are_removed_and_other_hosts_left_alone(runtime: Path, tmp_path: Path) -> None:
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    dead_pid = int(dead.stdout)  # that process has exited
    runtime.mkdir(parents=True)
    root = str(tmp_path.resolve())
    (runtime / f"{dead_pid}.json").write_text(json.dumps(
        {"pid": dead_pid, "host": socket.gethostname(), "url": "http://127.0.0.1:1", "storage_root": root}))
    (runtime / "1.json").write_text(json.dumps(
        {"pid": 1, "host": "another-machine", "url": "http://10.0.0.2:23300", "storage_root": root}))
    (runtime / "junk.json").write_text("{not json")
    assert viewers.viewer_url_for(tmp_path) is None
    assert sorted(p.name for p in runtime.iterdir()) == ["1.json"]
