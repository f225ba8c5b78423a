"""Team profile: a viewer on Redis queues the stats refresh and a real ``celery worker`` runs it."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
import runicorn as rn

from tests.artifacts.conftest import write_file
from tests.fixtures.live_server import wait_until

REPO = Path(__file__).resolve().parents[2]
REDIS = ("127.0.0.1", 6379)


@pytest.fixture
def redis_url() -> str:
    try:
        with socket.create_connection(REDIS, timeout=1) as sock:
            sock.sendall(b"PING\r\n")
            up = sock.recv(16).startswith(b"+PONG")
    except OSError:
        up = False
    if not up:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("Redis is not answering on 127.0.0.1:6379 (CI=true requires it)")
        pytest.skip("Redis is not answering on 127.0.0.1:6379")
    return "redis://127.0.0.1:6379/0"


def _log(root: Path, src: Path, name: str) -> None:
    run = rn.Run(project="p", name="worker", storage=root)
    run.log_artifact(rn.Artifact(name, type="dataset").add_file(write_file(src / name, name * 10)))
    run.finish()


def test_a_celery_worker_on_redis_refreshes_the_stale_snapshot(redis_url, tmp_path, live_viewer_factory):
    root = tmp_path / "root"
    _log(root, tmp_path / "src", "first")
    queue = f"runicorn-artifacts-test-{uuid.uuid4().hex[:8]}"  # no other worker on this Redis takes ours
    db = tmp_path / "team.sqlite3"  # the viewer and the worker share the database
    env = dict(os.environ, REDIS_URL=redis_url, RUNICORN_CELERY_QUEUE=queue, RUNICORN_DIR=str(root),
               RUNICORN_DB_PATH=str(db), PYTHONUNBUFFERED="1")
    log_path = tmp_path / "worker.log"
    with open(log_path, "wb") as log:  # started first: it boots while the viewer does
        worker = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "runicorn_site", "worker", "-P", "solo", "-Q", queue,
             "--without-gossip", "--without-mingle", "--without-heartbeat", "-l", "info"],
            cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT,
        )
    viewer = live_viewer_factory(root, REDIS_URL=redis_url, RUNICORN_CELERY_QUEUE=queue, RUNICORN_DB_PATH=str(db),
                                 RUNICORN_ARTIFACT_STATS_MAX_AGE="0")
    try:
        assert viewer.get("/api/artifacts/stats").json()["total_artifacts"] == 1  # first call: scanned inline
        _log(root, tmp_path / "src", "second")
        # Stale (max age 0): the old snapshot at once, and the refresh goes to the worker.
        assert viewer.get("/api/artifacts/stats").json()["total_artifacts"] == 1
        wait_until(lambda: viewer.get("/api/artifacts/stats").json()["total_artifacts"] == 2, timeout=45,
                   interval=0.2)
        assert "artifacts.refresh_stats" in log_path.read_text(errors="replace")
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=15)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()
