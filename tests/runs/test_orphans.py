"""Runs left ``running`` by a process that is gone become ``failed`` / ``process_not_found``."""

from __future__ import annotations

import json
import os
import subprocess
import time
from pathlib import Path

import pytest
from runicorn import records

from apps.runs import indexer
from apps.runs.models import Run
from tests.factories import make_run

pytestmark = pytest.mark.django_db

HERE = records.this_host()
STALE = records.REMOTE_STALE_SECONDS


def _dead_pid() -> int:
    """The pid of a process that has exited and been reaped."""
    proc = subprocess.Popen(["true"])
    proc.wait()
    return proc.pid


def _status(run: Path) -> dict:
    return json.loads((run / "status.json").read_text())


def _age(run: Path, seconds: float) -> None:
    """Make every file of the run look last written ``seconds`` ago."""
    then = time.time() - seconds
    for path in run.iterdir():
        os.utime(path, (then, then))


def test_a_run_of_a_dead_process_on_this_host_becomes_failed(api, storage_root, reindex):
    run = make_run(storage_root, status="running", hostname=HERE, pid=_dead_pid())
    started = _status(run)["started_at"]

    stats = reindex()

    assert stats.orphaned == 1
    status = _status(run)
    assert status["status"] == "failed" and status["exit_reason"] == "process_not_found"
    assert status["started_at"] == started and status["ended_at"] >= started
    row = Run.objects.get(run_id=run.name)
    assert (row.status, row.exit_reason) == ("failed", "process_not_found")
    assert api.get("/api/runs").json()[0]["status"] == "failed"


def test_a_run_of_a_live_process_stays_running(storage_root, reindex):
    run = make_run(storage_root, status="running", hostname=HERE, pid=os.getpid())
    before = (run / "status.json").read_bytes()
    assert reindex().orphaned == 0
    assert Run.objects.get(run_id=run.name).status == "running"
    assert (run / "status.json").read_bytes() == before


@pytest.mark.parametrize("status", ["finished", "failed", "interrupted"])
def test_an_ended_run_is_left_alone(storage_root, reindex, status):
    run = make_run(storage_root, status=status, hostname=HERE, pid=_dead_pid())
    before = (run / "status.json").read_bytes()
    reindex()
    assert Run.objects.get(run_id=run.name).status == status
    assert (run / "status.json").read_bytes() == before


def test_a_deleted_run_is_left_alone(storage_root, reindex):
    run = make_run(storage_root, status="running", hostname=HERE, pid=_dead_pid(), deleted={"deleted_at": 1.0})
    before = (run / "status.json").read_bytes()
    reindex()
    assert (run / "status.json").read_bytes() == before


def test_reap_orphans_notices_a_process_that_died_after_indexing(api, storage_root, reindex):
    proc = subprocess.Popen(["sleep", "60"])
    try:
        run = make_run(storage_root, status="running", hostname=HERE, pid=proc.pid)
        reindex()
        assert indexer.reap_orphans(storage_root).orphaned == 0
        assert Run.objects.get(run_id=run.name).status == "running"
    finally:
        proc.kill()
        proc.wait()

    stats = indexer.reap_orphans(storage_root)

    assert stats.orphaned == 1
    assert _status(run)["exit_reason"] == "process_not_found"
    assert api.get(f"/api/runs/{run.name}").json()["status"] == "failed"


def test_a_silent_run_of_another_host_becomes_failed(storage_root, reindex):
    run = make_run(storage_root, status="running", hostname="gpu-node-7", pid=1, created_at=time.time() - 3 * STALE)
    _age(run, STALE + 60)

    assert reindex().orphaned == 1
    assert _status(run)["status"] == "failed"
    assert Run.objects.get(run_id=run.name).exit_reason == "process_not_found"


def test_a_recently_written_run_of_another_host_stays_running(storage_root, reindex):
    # pid 1 is alive here, but on another host it says nothing: only the files' age counts.
    run = make_run(
        storage_root, status="running", hostname="gpu-node-7", pid=_dead_pid(),
        created_at=time.time() - 3 * STALE, logs="epoch 1\n",
    )
    _age(run, STALE + 60)
    os.utime(run / "logs.txt")  # the training loop is still printing

    assert reindex().orphaned == 0
    assert _status(run)["status"] == "running"


def test_reap_orphans_notices_another_host_falling_silent(storage_root, reindex):
    run = make_run(storage_root, status="running", hostname="gpu-node-7", pid=1, created_at=time.time() - 3 * STALE)
    reindex()
    assert Run.objects.get(run_id=run.name).status == "running"

    _age(run, STALE + 60)

    assert indexer.reap_orphans(storage_root).orphaned == 1
    assert Run.objects.get(run_id=run.name).status == "failed"
    assert _status(run)["exit_reason"] == "process_not_found"


def test_a_run_without_status_json_of_a_dead_process_gets_one(storage_root, reindex):
    run = make_run(storage_root, status=None, hostname=HERE, pid=_dead_pid())
    reindex()
    assert _status(run)["status"] == "failed"
    assert Run.objects.get(run_id=run.name).status == "failed"


def test_status_check_marks_dead_runs_failed_and_says_how_many(api, storage_root, reindex):
    keeps, dies = subprocess.Popen(["sleep", "60"]), subprocess.Popen(["sleep", "60"])
    try:
        alive = make_run(storage_root, status="running", hostname=HERE, pid=keeps.pid)
        dead = make_run(storage_root, "other", status="running", hostname=HERE, pid=dies.pid)
        make_run(storage_root, "done", status="finished")
        reindex()
        # The reference's manual check: POST, no body, its field names.
        unchanged = api.post("/api/status/check")
        assert unchanged.status_code == 200
        assert unchanged.json() == {"checked": 2, "updated": 0,
                                    "message": "Checked 2 running experiments, updated 0 statuses"}
        dies.kill()
        dies.wait()

        answer = api.post("/api/status/check").json()
    finally:
        for proc in (keeps, dies):
            proc.kill()
            proc.wait()

    assert (answer["checked"], answer["updated"]) == (2, 1)
    assert api.get(f"/api/runs/{dead.name}").json()["status"] == "failed"
    assert api.get(f"/api/runs/{alive.name}").json()["status"] == "running"
