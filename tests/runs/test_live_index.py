"""A real ``runicorn viewer`` (daphne subprocess) following changes made on disk while it runs.

One viewer serves the module (each start migrates a fresh database, seconds on a busy 2-core
machine); every test works in a project of its own so they cannot see each other's runs.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.factories import make_run
from tests.fixtures.live_server import LiveViewer, start_viewer, stop_viewer, wait_until

# The design's promise: a change on disk shows in the API within 2 s.
WITHIN = 2.0

pytestmark = pytest.mark.slow


def _ids(viewer: LiveViewer, path: str = "/api/runs") -> set[str]:
    return {r["id"] for r in viewer.get(path).json()}


def _status_of(viewer: LiveViewer, run_id: str) -> str | None:
    resp = viewer.get(f"/api/runs/{run_id}")
    return resp.json()["status"] if resp.ok else None


@pytest.fixture(scope="module")
def viewer(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveViewer]:
    workdir = tmp_path_factory.mktemp("live-index")
    root = workdir / "root"
    root.mkdir()
    live = start_viewer(root, workdir)
    yield live
    stop_viewer(live)


@pytest.fixture
def project(request: pytest.FixtureRequest) -> str:
    return request.node.name.removeprefix("test_")[:60]


def _new_run(viewer: LiveViewer, project: str, **kwargs) -> Path:  # type: ignore[no-untyped-def]
    run = make_run(viewer.root, project, "exp", **kwargs)
    wait_until(lambda: run.name in _ids(viewer), timeout=WITHIN)
    return run


def test_a_new_run_appears(viewer, project):
    run = make_run(viewer.root, project, "bert", status="running", hostname="elsewhere")
    wait_until(lambda: run.name in _ids(viewer), timeout=WITHIN)
    assert project in viewer.get("/api/projects").json()["projects"]
    assert [r["id"] for r in viewer.get(f"/api/projects/{project}/names/bert/runs").json()] == [run.name]


def test_a_new_run_in_a_known_experiment_appears(viewer, project):
    _new_run(viewer, project)
    second = make_run(viewer.root, project, "exp")
    wait_until(lambda: second.name in _ids(viewer), timeout=WITHIN)


def test_a_status_change_shows(viewer, project):
    run = _new_run(viewer, project, status="running", hostname="elsewhere")
    assert _status_of(viewer, run.name) == "running"

    # How the SDK ends a run: write a temp file, then rename it over status.json.
    tmp = run / ".status.json.tmp"
    tmp.write_text(json.dumps({"status": "finished", "started_at": 1.0, "ended_at": 2.0}))
    os.replace(tmp, run / "status.json")

    wait_until(lambda: _status_of(viewer, run.name) == "finished", timeout=WITHIN)


def test_a_deleted_marker_written_by_hand_hides_the_run(viewer, project):
    run = _new_run(viewer, project)
    (run / ".deleted").write_text(json.dumps({"deleted_at": 1.0, "reason": "by hand", "original_status": "finished"}))

    wait_until(lambda: run.name not in _ids(viewer), timeout=WITHIN)
    deleted = {r["id"]: r for r in viewer.get("/api/recycle-bin").json()["deleted_runs"]}
    assert deleted[run.name]["delete_reason"] == "by hand"

    (run / ".deleted").unlink()
    wait_until(lambda: run.name in _ids(viewer), timeout=WITHIN)


def test_a_removed_run_directory_leaves_the_list(viewer, project):
    run = _new_run(viewer, project)
    shutil.rmtree(run)
    wait_until(lambda: run.name not in _ids(viewer), timeout=WITHIN)
    assert viewer.get(f"/api/runs/{run.name}").status_code == 404


def test_a_removed_project_directory_leaves_the_lists(viewer, project):
    _new_run(viewer, project)
    shutil.rmtree(viewer.root / project)
    wait_until(lambda: project not in viewer.get("/api/projects").json()["projects"], timeout=WITHIN)


def test_a_soft_delete_through_the_api_sticks(viewer, project):
    # The watcher sees the marker the service wrote; it must agree, not resurrect the run.
    run = _new_run(viewer, project)
    assert viewer.post("/api/runs/soft-delete", json={"run_ids": [run.name]}).json()["deleted_count"] == 1
    assert run.name not in _ids(viewer)
    assert viewer.post("/api/recycle-bin/empty", json={"confirm": True}).json()["permanently_deleted"] >= 1
    assert not run.exists()
    assert run.name not in {r["id"] for r in viewer.get("/api/recycle-bin").json()["deleted_runs"]}


def test_the_viewer_creates_and_migrates_its_database_on_first_start(live_viewer_factory, tmp_path):
    root = tmp_path / "fresh-root"
    run = make_run(root)
    db_path = tmp_path / "not-there-yet" / "nested" / "index.sqlite3"
    assert not db_path.parent.exists()

    fresh = live_viewer_factory(root, RUNICORN_DB_PATH=str(db_path))

    wait_until(lambda: _ids(fresh) == {run.name}, timeout=10)
    with sqlite3.connect(db_path) as db:
        tables = {name for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        applied = {app for (app,) in db.execute("SELECT app FROM django_migrations")}
    assert {"runs_run", "runs_indexstate", "django_migrations"} <= tables
    assert {"runs", "auth", "admin", "sessions"} <= applied


def test_a_project_moved_in_whole_appears(viewer, project, tmp_path):
    # Built outside the root and renamed in: inotify reports only the top directory, so the
    # watcher must walk the new project itself rather than wait for the periodic reconcile.
    staging = tmp_path / "staging"
    runs = [make_run(staging, project, name) for name in ("a", "b")]
    os.rename(staging / project, viewer.root / project)
    wait_until(lambda: {r.name for r in runs} <= _ids(viewer), timeout=WITHIN)
