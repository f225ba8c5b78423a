"""The team profile for real: two daphne viewers on one PostgreSQL index and one Redis, with logins.

One viewer maintains the index (the advisory lock's holder), both serve it; each follows the run
files its own WebSocket clients watch, so a client of either process gets every new log line and
metric row; a Celery worker runs what the viewers queue; the second viewer takes over the index
when the first stops (that test runs last in this module).
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

from tests.factories import make_run, metric_event
from tests.fixtures.live_server import LiveViewer, start_viewer, stop_viewer, wait_until

from .services import REPO, child_env, fresh_database, require_redis, team_env

pytestmark = pytest.mark.slow
LEADS = "this viewer process maintains the index"
FOLLOWS = "another viewer process maintains the index"


@dataclass
class Cluster:
    a: LiveViewer
    b: LiveViewer
    root: Path
    env: dict[str, str]
    admin: dict[str, str]  # Authorization headers
    member: dict[str, str]
    workdir: Path


def create_user(env: dict[str, str], *args: str) -> dict[str, str]:
    result = subprocess.run([sys.executable, "manage.py", "runicorn_user", *args, "--token", "tests"], cwd=REPO,
                            env=child_env(env), capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return {"Authorization": f"Bearer {result.stdout.strip()}"}


@pytest.fixture(scope="module")
def cluster(tmp_path_factory) -> Iterator[Cluster]:  # type: ignore[no-untyped-def]
    redis = require_redis()
    with fresh_database() as database:
        workdir = tmp_path_factory.mktemp("team")
        root = workdir / "root"
        root.mkdir()
        env = team_env(database, redis, RUNICORN_RECONCILE_SECONDS="1", RUNICORN_LIVENESS_SECONDS="1")
        a = start_viewer(root, workdir, env)  # migrates the new database, then takes the index
        viewers = [a]
        try:
            admin = create_user(env, "ada", "--admin")
            member = create_user(env, "mia", "--member")
            viewers.append(start_viewer(root, workdir, env))
            yield Cluster(a, viewers[1], root, env, admin, member, workdir)
        finally:
            for viewer in viewers:
                if viewer.process.poll() is None:
                    stop_viewer(viewer)


def runs_of(viewer: LiveViewer, headers: dict[str, str]) -> set[str]:
    response = viewer.get("/api/runs", headers=headers)
    assert response.status_code == 200, response.text
    return {run["id"] for run in response.json()}


def test_one_process_maintains_the_index_and_both_serve_it(cluster):
    wait_until(lambda: FOLLOWS in cluster.b.log(), timeout=10)
    assert LEADS in cluster.a.log() and LEADS not in cluster.b.log()

    run_id = make_run(cluster.root, status="running").name

    wait_until(lambda: run_id in runs_of(cluster.a, cluster.member), timeout=10)
    assert run_id in runs_of(cluster.b, cluster.member)


def test_every_process_refuses_anonymous_callers(cluster):
    for viewer in (cluster.a, cluster.b):
        response = viewer.get("/api/runs")
        assert response.status_code == 401
        assert response.json() == {"detail": "Authentication credentials were not provided."}
        with connect(viewer.url.replace("http", "ws") + "/api/gpu/telemetry/ws", open_timeout=10) as ws, \
                pytest.raises(ConnectionClosed) as closed:
            ws.recv(timeout=10)
        assert closed.value.rcvd is not None and closed.value.rcvd.code == 4401


def test_a_change_made_through_one_process_is_seen_through_the_other(cluster):
    run_id = make_run(cluster.root).name
    wait_until(lambda: run_id in runs_of(cluster.b, cluster.member), timeout=10)

    response = cluster.b.post("/api/runs/soft-delete", json={"run_ids": [run_id]}, headers=cluster.member)
    assert response.status_code == 200 and response.json()["deleted_count"] == 1

    assert run_id not in runs_of(cluster.a, cluster.member)
    deleted = cluster.a.get("/api/recycle-bin", headers=cluster.member).json()["deleted_runs"]
    assert run_id in {run["id"] for run in deleted}
    # Emptying the bin is an admin's: the member gets 403 from either process.
    empty = cluster.a.post("/api/recycle-bin/empty", json={"confirm": True}, headers=cluster.member)
    assert empty.status_code == 403


def test_clients_of_both_processes_get_live_log_lines_and_metric_rows(cluster):
    run = make_run(cluster.root, status="running", logs="10:00:00 | start\n",
                   events=[metric_event(0, 1.0, loss=1.0)])
    wait_until(lambda: run.name in runs_of(cluster.a, cluster.member), timeout=10)
    with ExitStack() as stack:
        sockets = []
        for viewer in (cluster.a, cluster.b):
            base = viewer.url.replace("http", "ws") + f"/api/runs/{run.name}"
            logs = stack.enter_context(connect(base + "/logs/ws", additional_headers=cluster.member, open_timeout=10))
            metrics = stack.enter_context(
                connect(base + "/metrics/ws", additional_headers=cluster.member, open_timeout=10))
            assert logs.recv(timeout=10) == "10:00:00 | start"
            assert json.loads(metrics.recv(timeout=10))["type"] == "hello"
            sockets.append((logs, metrics))
        with open(run / "logs.txt", "a") as fh:
            fh.write("10:00:01 | epoch 1\n")
        with open(run / "events.jsonl", "a") as fh:
            fh.write(json.dumps(metric_event(1, 2.0, loss=0.5)) + "\n")

        for logs, metrics in sockets:
            assert logs.recv(timeout=10) == "10:00:01 | epoch 1"
            message = json.loads(metrics.recv(timeout=10))
            assert message["type"] == "rows" and message["last_step"] == 1
            assert message["rows"][-1]["loss"] == 0.5


def test_a_celery_worker_runs_the_task_a_viewer_queued(cluster):
    log_path = cluster.workdir / "worker.log"
    with open(log_path, "wb") as log:
        worker = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "runicorn_site", "worker", "-P", "solo",
             "-Q", cluster.env["RUNICORN_CELERY_QUEUE"], "--without-gossip", "--without-mingle",
             "--without-heartbeat", "-l", "info"],
            cwd=REPO, env=child_env({**cluster.env, "RUNICORN_DIR": str(cluster.root)}), stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        response = cluster.a.post("/api/manifest/generate", json={"type": "full"}, headers=cluster.member)
        assert response.status_code == 202, response.text
        task = f"/api/manifest/tasks/{response.json()['task_id']}"

        def done() -> bool:  # asked through the other process: the state is in Redis
            return cluster.b.get(task, headers=cluster.member).json()["state"] in ("SUCCESS", "FAILURE")

        try:
            wait_until(done, timeout=90, interval=0.2)
        except AssertionError:
            raise AssertionError(log_path.read_text(errors="replace")[-4000:]) from None
        state = cluster.b.get(task, headers=cluster.member).json()
        assert state["state"] == "SUCCESS", (state, log_path.read_text(errors="replace")[-4000:])
        assert (cluster.root / ".runicorn" / "full_manifest.json.gz").exists()
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=15)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()


def test_a_bounded_load_over_both_processes_gets_no_server_errors(cluster):
    from tests.benchmarks.bench_team import mixed_paths, run_load

    run_ids = sorted(runs_of(cluster.a, cluster.member))
    result = run_load([cluster.a.url, cluster.b.url], mixed_paths(run_ids), cluster.member, requests=500,
                      concurrency=16)

    problems = [line for viewer in (cluster.a, cluster.b) for line in viewer.log().splitlines()
                if '" 5' in line or "Error" in line][-20:]
    assert result["errors_5xx"] == 0 and result["connection_errors"] == {}, (result, problems)
    assert set(result["statuses"]) == {"200"}, result  # all authenticated, none rate-limited or refused


def test_the_other_process_takes_over_the_index_when_the_first_stops(cluster):
    stop_viewer(cluster.a)

    wait_until(lambda: LEADS in cluster.b.log(), timeout=15)
    run_id = make_run(cluster.root).name
    wait_until(lambda: run_id in runs_of(cluster.b, cluster.admin), timeout=10)


def test_the_health_check_needs_no_login(cluster):
    assert requests.get(cluster.b.url + "/api/health", timeout=10).status_code == 200
