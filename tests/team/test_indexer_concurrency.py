"""Several processes write one PostgreSQL index at once: no errors, no duplicate rows, and a
status once indexed is never overwritten by an older read of the disk."""

from __future__ import annotations

import subprocess
import sys
import time

import psycopg
import pytest

from tests.factories import make_run, write_json

from .services import REPO, child_env, fresh_database

pytestmark = pytest.mark.slow
RUNS = 60


def run_module(env: dict[str, str], *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", *args], cwd=REPO, env=child_env(env), text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def test_concurrent_writers_never_lose_a_status_change(tmp_path):
    root = tmp_path / "root"
    runs = [make_run(root, project=f"p{i % 3}", status="running", hostname="other-host") for i in range(RUNS)]
    with fresh_database() as url:
        env = {"DATABASE_URL": url, "RUNICORN_DIR": str(root), "RUNICORN_START_INDEXER": "0"}
        assert subprocess.run([sys.executable, "-m", "runicorn_site.migrate"], cwd=REPO, env=child_env(env),
                              capture_output=True, timeout=120).returncode == 0
        stop = tmp_path / "stop"
        writers = [run_module(env, "tests.team.indexer_race", mode, str(root), str(stop))
                   for mode in ("scan", "events", "events", "events")]
        for writer in writers:  # Django set up in each, so all four really overlap
            assert writer.stdout is not None and writer.stdout.readline().strip() == "ready"

        finished_seen: set[str] = set()
        regressions: list[str] = []
        with psycopg.connect(url, autocommit=True) as db:

            def watch(seconds: float) -> None:
                until = time.monotonic() + seconds
                while time.monotonic() < until:
                    for run_id, status in db.execute("SELECT run_id, status FROM runs_run").fetchall():
                        if status == "finished":
                            finished_seen.add(run_id)
                        elif run_id in finished_seen:
                            regressions.append(run_id)
                    time.sleep(0.01)

            watch(0.5)
            for run in runs:  # training jobs end one after another while all four write
                write_json(run / "status.json", {"status": "finished", "started_at": 1.0, "ended_at": time.time()})
                watch(0.04)
            watch(2.0)
            stop.touch()
            for writer in writers:
                writer.wait(timeout=60)
            rows = db.execute("SELECT run_id, status FROM runs_run").fetchall()

    for writer in writers:
        out, err = writer.communicate(timeout=30)
        assert writer.returncode == 0, err[-3000:]
        assert int(out.strip()) > 3  # each really wrote, many times
    assert regressions == []
    assert len(rows) == RUNS == len({run_id for run_id, _ in rows})
    assert {status for _, status in rows} == {"finished"}

