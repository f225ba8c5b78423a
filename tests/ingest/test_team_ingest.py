"""Team ingestion for real: jobs in their own processes and storage roots upload to two daphne
viewers (PostgreSQL index, Redis) behind a reverse proxy, with members' API tokens.

Runs as one module-scoped cluster; the tests share it and each uses runs of its own.
"""

from __future__ import annotations

import json
import os
import signal
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import requests
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

from tests.fixtures.live_server import LiveViewer, free_port, start_viewer, stop_viewer, wait_until
from tests.team.services import REPO, fresh_database, require_redis, team_env
from tests.team.test_two_viewers import create_user

from .proxy import Proxy

pytestmark = pytest.mark.slow
STATE_FILE = ".runicorn_sync.json"


@dataclass
class Team:
    viewers: list[LiveViewer]
    proxy: Proxy
    root: Path
    env: dict[str, str]
    workdir: Path
    headers: dict[str, dict[str, str]] = field(default_factory=dict)

    def token(self, user: str) -> str:
        return self.headers[user]["Authorization"].removeprefix("Bearer ")

    def get(self, path: str, user: str = "mia") -> requests.Response:
        return requests.get(self.proxy.url + path, headers=self.headers[user], timeout=10)


@pytest.fixture(scope="module")
def team(tmp_path_factory) -> Iterator[Team]:  # type: ignore[no-untyped-def]
    redis = require_redis()
    with fresh_database() as database:
        workdir = tmp_path_factory.mktemp("ingest-team")
        root = workdir / "server-root"
        root.mkdir()
        env = team_env(database, redis, RUNICORN_RECONCILE_SECONDS="2")
        viewers = [start_viewer(root, workdir, env)]
        proxy = None
        try:
            headers = {"mia": create_user(env, "mia", "--member"), "otto": create_user(env, "otto", "--member")}
            viewers.append(start_viewer(root, workdir, env))
            proxy = Proxy([v.url for v in viewers]).start()
            yield Team(viewers, proxy, root, env, workdir, headers)
        finally:
            if proxy is not None:
                proxy.stop()
            for viewer in viewers:
                if viewer.process.poll() is None:
                    stop_viewer(viewer)


def job_env(team: Team, local_root: Path, user: str = "mia", **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env.update(RUNICORN_DIR=str(local_root), RUNICORN_SERVER_URL=team.proxy.url, RUNICORN_API_TOKEN=team.token(user),
               RUNICORN_SYNC_FINISH_TIMEOUT="60", PYTHONUNBUFFERED="1")
    env.update(extra)
    return env


def start_job(env: dict[str, str], *args: str) -> tuple[subprocess.Popen[str], Path]:
    process = subprocess.Popen([sys.executable, "-m", "tests.ingest.jobs", *args], cwd=REPO, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert process.stdout is not None
    line = process.stdout.readline()
    assert line.startswith("RUN "), line + process.stderr.read()  # type: ignore[union-attr]
    return process, Path(line[4:].strip())


def finish_job(process: subprocess.Popen[str], timeout: float = 120) -> str:
    out, err = process.communicate(timeout=timeout)
    assert process.returncode == 0 and "DONE" in out, err
    return err


def run_job(env: dict[str, str], *args: str) -> tuple[Path, str]:
    process, run_dir = start_job(env, *args)
    return run_dir, finish_job(process)


def on_server(team: Team, run_dir: Path) -> Path:
    return team.root.joinpath(*run_dir.parts[-4:])


def assert_same_files(local: Path, server: Path) -> None:
    names = sorted(str(p.relative_to(local)) for p in local.rglob("*") if p.is_file() and p.name != STATE_FILE)
    assert sorted(str(p.relative_to(server)) for p in server.rglob("*") if p.is_file()) == names
    for name in names:
        assert (server / name).read_bytes() == (local / name).read_bytes(), name


def test_a_finished_run_is_on_the_server_byte_for_byte(team, tmp_path):
    weights = tmp_path / "model.bin"
    weights.write_bytes(os.urandom(50_000))
    local_root = tmp_path / "job-root"

    run_dir, _ = run_job(job_env(team, local_root), "--rows", "3000", "--extras", "--artifact", str(weights))

    server_dir = on_server(team, run_dir)
    assert_same_files(run_dir, server_dir)
    assert {"events.jsonl", "logs.txt", "summary.json", "status.json", "config.json", "meta.json",
            "artifacts_created.json", "media"} <= {p.name for p in server_dir.iterdir()}
    version = Path("artifacts/model/weights/v1")
    for name in ("manifest.json", "files/model.bin"):
        assert (team.root / version / name).read_bytes() == (local_root / version / name).read_bytes()
    run_id = run_dir.name
    detail = team.get(f"/api/runs/{run_id}").json()
    assert (detail["status"], detail["owner"], detail["best_metric_name"]) == ("finished", "mia", "acc")
    experiments = team.get("/api/v2/experiments?per_page=100").json()["experiments"]
    assert run_id in {e["id"] for e in experiments}
    rows = team.get(f"/api/runs/{run_id}/metrics_step").json()["rows"]
    assert len(rows) == 3000


def _collect(url: str, headers: dict[str, str], until: float, out: list[tuple[float, object]]) -> None:
    with connect(url, additional_headers=headers, open_timeout=10) as ws:
        while time.monotonic() < until:
            try:
                message = ws.recv(timeout=0.5)
            except TimeoutError:
                continue
            except ConnectionClosed:  # the viewer ended the stream; what arrived is what counts
                return
            out.append((time.time(), message))


def test_rows_and_log_lines_reach_websocket_clients_within_a_second(team, tmp_path):
    go = tmp_path / "go"
    process, run_dir = start_job(job_env(team, tmp_path / "job-root"), "--rows", "1", "--live", str(go))
    run_id = run_dir.name
    viewer = team.viewers[1]
    wait_until(lambda: viewer.get(f"/api/runs/{run_id}", headers=team.headers["mia"]).status_code == 200,
               timeout=10)
    base = viewer.url.replace("http", "ws") + f"/api/runs/{run_id}"
    metrics: list[tuple[float, object]] = []
    logs: list[tuple[float, object]] = []
    until = time.monotonic() + 8
    threads = [threading.Thread(target=_collect, args=(base + "/metrics/ws", team.headers["mia"], until, metrics)),
               threading.Thread(target=_collect, args=(base + "/logs/ws", team.headers["mia"], until, logs))]
    for thread in threads:
        thread.start()
    time.sleep(1.0)  # both sockets said hello
    go.touch()
    for thread in threads:
        thread.join()
    finish_job(process)

    row_delays = [received - row["sent_at"] for received, message in metrics
                  for row in json.loads(message).get("rows", []) if row.get("sent_at")]  # type: ignore[arg-type]
    line_delays = [received - float(str(message).split("sent_at=")[1]) for received, message in logs
                   if "sent_at=" in str(message)]
    assert len(row_delays) == 30 and len(line_delays) == 30, (len(row_delays), len(line_delays))
    p95 = statistics.quantiles(row_delays + line_delays, n=20)[-1]
    assert p95 <= 1.0, (sorted(row_delays), sorted(line_delays))


def _restart(team: Team, index: int, failures: list[BaseException]) -> None:
    try:
        viewer = start_viewer(team.root, team.workdir, team.env)
    except BaseException as exc:  # re-raised by the test
        failures.append(exc)
        return
    team.viewers[index] = viewer
    team.proxy.upstreams[index] = viewer.url


def test_killing_the_server_five_times_loses_and_doubles_no_line(team, tmp_path):
    process, run_dir = start_job(job_env(team, tmp_path / "job-root"), "--rows", "200000", "--rate", "20000")
    restarts: dict[int, threading.Thread] = {}
    failures: list[BaseException] = []
    for kill in range(5):
        victim = kill % 2
        if victim in restarts:
            restarts.pop(victim).join()  # up again before it is killed again
        time.sleep(1.0)
        team.viewers[victim].process.send_signal(signal.SIGKILL)
        team.viewers[victim].process.wait()
        # Restarted in the background: meanwhile the other process is killed too, a real outage.
        restarts[victim] = threading.Thread(target=_restart, args=(team, victim, failures))
        restarts[victim].start()
    for thread in restarts.values():
        thread.join()
    assert not failures, failures
    err = finish_job(process)

    local = (run_dir / "events.jsonl").read_bytes()
    server = (on_server(team, run_dir) / "events.jsonl").read_bytes()
    steps = [json.loads(line)["data"]["global_step"] for line in server.splitlines()]
    assert len(steps) == 200_000 and len(set(steps)) == 200_000  # 0 lost, 0 duplicated
    assert server == local
    assert team.proxy.statuses[502] > 0, "no request ever met a killed server"
    # One line going offline and one when caught up per outage, however many requests failed.
    assert err.count("cannot reach") == err.count("caught up with") >= 1, err


def test_a_job_started_while_the_server_is_down_is_completed_by_runicorn_sync(team, tmp_path):
    port = free_port()  # nothing listens there yet
    local_root = tmp_path / "job-root"
    env = job_env(team, local_root, RUNICORN_SERVER_URL=f"http://127.0.0.1:{port}", RUNICORN_SYNC_FINISH_TIMEOUT="1")

    run_dir, err = run_job(env, "--rows", "5000", "--extras")

    assert err.count(f"cannot reach http://127.0.0.1:{port}") == 1, err
    assert f"`runicorn sync {run_dir}` uploads the rest" in err
    late = Proxy([v.url for v in team.viewers], port=port).start()
    try:
        sync_env = {**env, "RUNICORN_SERVER_URL": ""}  # the server comes from the run's upload state
        first = subprocess.run([sys.executable, "-m", "runicorn", "sync", str(local_root)], env=sync_env, cwd=REPO,
                               capture_output=True, text=True, timeout=120)
        assert first.returncode == 0, first.stderr
        assert "Synced 1 runs, 0 already up to date, 0 failed" in first.stdout
        assert_same_files(run_dir, on_server(team, run_dir))
        before = sum(late.sent.values())

        second = subprocess.run([sys.executable, "-m", "runicorn", "sync", str(local_root)], env=sync_env, cwd=REPO,
                                capture_output=True, text=True, timeout=120)

        assert second.returncode == 0, second.stderr
        assert "Synced 0 runs, 1 already up to date, 0 failed; sent 0 B (0 bytes)" in second.stdout
        assert sum(late.sent.values()) == before
        status = subprocess.run([sys.executable, "-m", "runicorn", "sync", "--status", str(run_dir)], env=sync_env,
                                cwd=REPO, capture_output=True, text=True, timeout=60)
        assert status.returncode == 0 and status.stdout.strip().endswith(": complete"), status.stdout
    finally:
        late.stop()


def test_two_jobs_logging_one_artifact_name_get_distinct_versions_and_blobs_are_sent_once(team, tmp_path):
    shared, own_a, own_b = tmp_path / "shared.bin", tmp_path / "a.bin", tmp_path / "b.bin"
    for path, size in ((shared, 300_000), (own_a, 1000), (own_b, 2000)):
        path.write_bytes(os.urandom(size))
    before = team.proxy.sent["PUT blobs"]

    run_a, _ = run_job(job_env(team, tmp_path / "root-a", "mia"), "--rows", "10", "--name", "art",
                       "--artifact", str(shared), str(own_a))
    run_b, _ = run_job(job_env(team, tmp_path / "root-b", "otto"), "--rows", "10", "--name", "art",
                       "--artifact", str(shared), str(own_b))

    versions = json.loads((team.root / "artifacts/model/weights/versions.json").read_text())["versions"]
    by_run = {v["created_by_run"]: v["version"] for v in versions}
    assert by_run[run_a.name] != by_run[run_b.name]
    for run_dir in (run_a, run_b):
        local = json.loads((run_dir / "artifacts_created.json").read_text())["artifacts"][0]
        served = json.loads((on_server(team, run_dir) / "artifacts_created.json").read_text())["artifacts"][0]
        assert local["version"] == 1 and served["version"] == by_run[run_dir.name]
    assert team.proxy.sent["PUT blobs"] - before == 300_000 + 1000 + 2000  # the shared blob once


def test_a_member_cannot_write_to_another_members_run(team, tmp_path):
    run_dir, _ = run_job(job_env(team, tmp_path / "job-root", "mia"), "--rows", "10")
    logs = on_server(team, run_dir) / "events.jsonl"
    before = logs.read_bytes()

    response = requests.post(f"{team.proxy.url}/api/ingest/runs/{run_dir.name}/append/events.jsonl"
                             f"?offset={len(before)}", data=b'{"ts": 1}\n', headers=team.headers["otto"], timeout=10)

    assert response.status_code == 403
    assert response.json()["detail"].startswith(f"Run {run_dir.name} was created by mia")
    assert logs.read_bytes() == before
