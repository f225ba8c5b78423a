"""Team profile: a real ``celery -A runicorn_site worker`` on Redis runs the tasks the viewer queues."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from celery import Celery

from tests.fixtures.live_server import wait_until
from tests.manifest.helpers import make_root

REPO = Path(__file__).resolve().parents[2]
REDIS_HOST, REDIS_PORT = "127.0.0.1", 6379


def _redis_up() -> bool:
    try:
        with socket.create_connection((REDIS_HOST, REDIS_PORT), timeout=1) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


@pytest.fixture
def redis_url() -> str:
    if not _redis_up():
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"Redis is not answering on {REDIS_HOST}:{REDIS_PORT}")
        pytest.skip(f"Redis is not answering on {REDIS_HOST}:{REDIS_PORT}")
    return f"redis://{REDIS_HOST}:{REDIS_PORT}/0"


def test_a_worker_on_redis_runs_the_queued_tasks(redis_url, tmp_path, live_viewer_factory):
    root = tmp_path / "root"
    make_root(root, 3)
    queue = f"runicorn-test-{uuid.uuid4().hex[:8]}"  # no other worker on this Redis takes our tasks
    env = {"REDIS_URL": redis_url, "RUNICORN_CELERY_QUEUE": queue, "RUNICORN_DIR": str(root),
           "RUNICORN_DB_PATH": str(tmp_path / "index.sqlite3")}  # the viewer migrates it, the worker uses it
    log_path = tmp_path / "worker.log"
    with open(log_path, "wb") as log:
        worker = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "runicorn_site", "worker", "-P", "solo", "-Q", queue,
             "--without-gossip", "--without-mingle", "--without-heartbeat", "-l", "info"],
            cwd=REPO, env=dict(os.environ, PYTHONUNBUFFERED="1", **env), stdout=log, stderr=subprocess.STDOUT,
        )
    try:
        viewer = live_viewer_factory(root, **env)
        response = viewer.post("/api/manifest/generate", json={"type": "full"})
        assert response.status_code == 202, response.text
        task_id = response.json()["task_id"]

        def state() -> dict:
            return viewer.get(f"/api/manifest/tasks/{task_id}").json()

        try:
            wait_until(lambda: state()["state"] in ("SUCCESS", "FAILURE"), timeout=120, interval=0.2)
        except AssertionError:
            raise AssertionError(f"task still {state()}; worker log:\n{log_path.read_text(errors='replace')}"
                                 f"\nviewer log:\n{viewer.log()}") from None
        done = state()
        assert done["state"] == "SUCCESS", (done, log_path.read_text(errors="replace"))
        assert done["result"]["total_experiments"] == 3 and done["result"]["revision"] == 1
        assert (root / ".runicorn" / "full_manifest.json.gz").exists()

        # The periodic reconcile, as celery beat would send it.
        client = Celery(broker=redis_url, backend=redis_url)
        result = client.send_task("runicorn.index.reconcile", queue=queue).get(timeout=120)
        assert result["scanned"] == 3
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=15)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()
