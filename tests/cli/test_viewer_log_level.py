"""``runicorn viewer --log-level``: the level of the viewer's log, as in the reference."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import requests

from tests.fixtures.live_server import free_port


def viewer_log(cli_env: dict[str, str], root: Path, workdir: Path, *extra: str) -> str:
    """Start a real viewer, wait until it answers and its indexer has started, stop it, return its log."""
    port = free_port()
    log_path = workdir / f"viewer-{port}.log"
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "runicorn", "viewer", "--port", str(port), "--storage", str(root), *extra],
            env={**cli_env, "RUNICORN_DB_PATH": str(workdir / f"index-{port}.sqlite3"), "PYTHONUNBUFFERED": "1",
                 "RUNICORN_START_INDEXER": "1"},
            stdout=log, stderr=subprocess.STDOUT,
        )
        try:
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                assert proc.poll() is None, log_path.read_text()
                try:
                    if requests.get(f"http://127.0.0.1:{port}/api/health", timeout=1).ok:
                        break
                except requests.RequestException:
                    time.sleep(0.2)
            time.sleep(1.0)  # the indexer thread logs once it holds the index
        finally:
            proc.terminate()
            proc.wait(timeout=20)
    return log_path.read_text()


def test_debug_shows_debug_records_and_error_hides_info(cli_env, root, tmp_path):
    debug = viewer_log(cli_env, root, tmp_path, "--log-level", "DEBUG")
    quiet = viewer_log(cli_env, root, tmp_path, "--log-level", "error")

    assert "Using selector" in debug  # asyncio's DEBUG record at start
    assert "maintains the index" in debug and "GET /api/health" in debug  # INFO, and daphne's access log
    assert "maintains the index" not in quiet and "Using selector" not in quiet and "GET /api/health" not in quiet
    assert "Serving on http://127.0.0.1:" in quiet  # what the user needs is printed, not logged


def test_an_unknown_level_is_a_usage_error(cli):
    done = cli("viewer", "--log-level", "LOUD")

    assert done.returncode == 2
    assert "argument --log-level: invalid choice: 'LOUD'" in done.stderr
