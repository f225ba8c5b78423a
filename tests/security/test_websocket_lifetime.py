"""#15.3: live WebSockets in the team profile stay open, survive a Redis restart, and the viewer
exits within 5 s of SIGTERM with sockets open (closed 1001), in both profiles.

Real daphne viewers in subprocesses (PostgreSQL + Redis for the team profile), a run written while
the sockets follow it. The lifetime test holds its sockets for RUNICORN_TEST_WS_SECONDS (30 s by
default, to keep CI short; five minutes was measured by hand, see docs/security.md).
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import ClientConnection, connect

from tests.factories import make_run, metric_event
from tests.fixtures.live_server import LiveViewer, free_port, start_viewer, stop_viewer, wait_until
from tests.team.services import fresh_database, require_redis, team_env
from tests.team.test_two_viewers import create_user

pytestmark = pytest.mark.slow
LIFETIME = float(os.environ.get("RUNICORN_TEST_WS_SECONDS", "30"))


class Writer(threading.Thread):
    """Appends a metrics row (and a log line) to a run every 1/rate s until stopped."""

    def __init__(self, run: Path, rate: float = 20.0) -> None:
        super().__init__(daemon=True)
        self.run_dir, self.rate, self.stop = run, rate, threading.Event()

    def run(self) -> None:
        import json

        step = 1
        while not self.stop.wait(1 / self.rate):
            with open(self.run_dir / "events.jsonl", "a") as fh:
                fh.write(json.dumps(metric_event(step, time.time(), loss=1 / step)) + "\n")
            with open(self.run_dir / "logs.txt", "a") as fh:
                fh.write(f"10:00:00 | step {step}\n")
            step += 1


@pytest.fixture
def team_viewer(tmp_path: Path) -> Iterator[tuple[LiveViewer, dict[str, str]]]:
    redis = require_redis()
    with fresh_database() as database:
        root = tmp_path / "root"
        root.mkdir()
        env = team_env(database, redis, RUNICORN_RECONCILE_SECONDS="1")
        viewer = start_viewer(root, tmp_path, env)
        try:
            yield viewer, create_user(env, "ada", "--admin")
        finally:
            if viewer.process.poll() is None:
                stop_viewer(viewer)


@pytest.fixture
def embedded_viewer(tmp_path: Path) -> Iterator[LiveViewer]:
    root = tmp_path / "root"
    root.mkdir()
    viewer = start_viewer(root, tmp_path)
    yield viewer
    if viewer.process.poll() is None:
        stop_viewer(viewer)


def _running_run(viewer: LiveViewer, headers: dict[str, str]) -> Path:
    run = make_run(viewer.root, status="running", logs="10:00:00 | start\n", events=[metric_event(0, 1.0, loss=1.0)])
    wait_until(lambda: viewer.get(f"/api/runs/{run.name}", headers=headers).status_code == 200, timeout=15)
    return run


def _open(viewer: LiveViewer, path: str, headers: dict[str, str]) -> ClientConnection:
    return connect(viewer.url.replace("http", "ws") + path, additional_headers=headers, open_timeout=10)


def _drain(ws: ClientConnection, seconds: float) -> int:
    """Frames received in ``seconds``; raises ConnectionClosed when the server closes."""
    frames, deadline = 0, time.monotonic() + seconds
    while (left := deadline - time.monotonic()) > 0:
        try:
            ws.recv(timeout=left)
            frames += 1
        except TimeoutError:
            break
    return frames


def _exit_after_sigterm(viewer: LiveViewer, sockets: list[ClientConnection]) -> float:
    started = time.monotonic()
    viewer.process.send_signal(signal.SIGTERM)
    try:
        viewer.process.wait(timeout=15)
    except Exception:
        viewer.process.kill()
        raise
    return time.monotonic() - started


def _close_code(ws: ClientConnection) -> int | None:
    try:
        while True:
            ws.recv(timeout=5)
    except ConnectionClosed as closed:
        return closed.rcvd.code if closed.rcvd is not None else None


def test_team_sockets_stay_open_while_the_run_writes(team_viewer):
    viewer, headers = team_viewer
    run = _running_run(viewer, headers)
    writer = Writer(run)
    writer.start()
    try:
        metrics = _open(viewer, f"/api/runs/{run.name}/metrics/ws", headers)
        logs = _open(viewer, f"/api/runs/{run.name}/logs/ws", headers)
        deadline = time.monotonic() + LIFETIME
        counts = [0, 0]
        while time.monotonic() < deadline:
            counts[0] += _drain(metrics, 1)
            counts[1] += _drain(logs, 0.2)
    finally:
        writer.stop.set()
    assert counts[0] > LIFETIME / 2 and counts[1] > LIFETIME * 10, counts  # frames kept coming to the end
    assert "TimeoutError" not in viewer.log(), viewer.log()[-2000:]


@pytest.fixture
def image_viewer(tmp_path: Path) -> Iterator[tuple[LiveViewer, dict[str, str]]]:
    """The container's command: the entry point, then plain ``daphne`` (not ``runicorn viewer``)."""
    from tests.team.services import REPO, child_env

    redis = require_redis()
    with fresh_database() as database:
        root = tmp_path / "root"
        root.mkdir()
        env = team_env(database, redis, RUNICORN_DIR=str(root), RUNICORN_START_INDEXER="1")
        port = free_port()
        run_env = child_env(env)
        run_env["PATH"] = f"{Path(sys.executable).parent}:{run_env.get('PATH', '')}"
        log_path = tmp_path / "daphne.log"
        process = subprocess.Popen(
            ["sh", str(REPO / "deploy" / "docker-entrypoint.sh"), "daphne", "--bind", "127.0.0.1", "--port",
             str(port), "--proxy-headers", "runicorn_site.asgi:application"],
            cwd=REPO, env=run_env, stdout=open(log_path, "wb"), stderr=subprocess.STDOUT,  # noqa: SIM115
        )
        viewer = LiveViewer(f"http://127.0.0.1:{port}", root, process, log_path)
        try:
            wait_until(lambda: _answers(viewer), timeout=60, interval=0.5)
            yield viewer, create_user(env, "ada", "--admin")
        finally:
            if process.poll() is None:
                stop_viewer(viewer)


def _answers(viewer: LiveViewer) -> bool:
    try:
        return viewer.get("/api/health").status_code == 200
    except OSError:
        return False


@pytest.mark.parametrize("profile", ["team", "embedded", "image"])
def test_sigterm_stops_the_viewer_within_5_s_with_sockets_open(request, profile):
    if profile == "team":
        viewer, headers = request.getfixturevalue("team_viewer")
    elif profile == "image":
        viewer, headers = request.getfixturevalue("image_viewer")
    else:
        viewer, headers = request.getfixturevalue("embedded_viewer"), {}
    run = _running_run(viewer, headers)
    writer = Writer(run)
    writer.start()
    try:
        sockets = [_open(viewer, f"/api/runs/{run.name}/metrics/ws", headers),
                   _open(viewer, f"/api/runs/{run.name}/logs/ws", headers)]
        for ws in sockets:
            assert _drain(ws, 1.5) > 0
        seconds = _exit_after_sigterm(viewer, sockets)
        codes = [_close_code(ws) for ws in sockets]
    finally:
        writer.stop.set()
    assert seconds < 5, f"{seconds:.1f} s"
    assert codes == [1001, 1001]


class PrivateRedis:
    """A redis-server of this test's own (the shared one must not be restarted under others)."""

    def __init__(self, workdir: Path) -> None:
        self.port, self.workdir = free_port(), workdir
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--save", "", "--appendonly", "no", "--dir", str(self.workdir)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        wait_until(lambda: subprocess.run(["redis-cli", "-p", str(self.port), "ping"], capture_output=True,
                                          text=True).stdout.strip() == "PONG", timeout=10)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)


@pytest.mark.skipif(shutil.which("redis-server") is None and os.environ.get("CI") != "true",
                    reason="redis-server not installed")
def test_team_sockets_survive_a_redis_restart(tmp_path):
    redis = PrivateRedis(tmp_path)
    redis.start()
    try:
        with fresh_database() as database:
            root = tmp_path / "root"
            root.mkdir()
            env = team_env(database, redis.url, RUNICORN_RECONCILE_SECONDS="1")
            viewer = start_viewer(root, tmp_path, env)
            try:
                headers = create_user(env, "ada", "--admin")
                run = _running_run(viewer, headers)
                writer = Writer(run)
                writer.start()
                try:
                    sockets = [_open(viewer, f"/api/runs/{run.name}/metrics/ws", headers),
                               _open(viewer, f"/api/runs/{run.name}/logs/ws", headers)]
                    assert all(_drain(ws, 1) > 0 for ws in sockets)
                    redis.stop()
                    after_stop = [_drain(ws, 2) for ws in sockets]  # Redis down: the files are still followed
                    redis.start()
                    after_restart = [_drain(ws, 6) for ws in sockets]  # longer than any Redis timeout
                finally:
                    writer.stop.set()
                assert all(n > 0 for n in after_stop + after_restart), (after_stop, after_restart)
                assert viewer.get(f"/api/runs/{run.name}", headers=headers).status_code == 200
            finally:
                stop_viewer(viewer)
    finally:
        redis.stop()
