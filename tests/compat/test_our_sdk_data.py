"""Runs written by OUR SDK are read by the reference viewer (0.5.3) exactly like runs written by
the reference SDK: same list fields (project, name, status, best metric...), same detail, and the
same metric rows from /api/runs/{id}/metrics_step.

The same training script runs once under each SDK into one storage root; the reference viewer then
serves both, and every field except the per-run identity (id, paths, pid, timestamps) must match.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.benchmarks.common import Reference, Server, run_python
from tests.compat.conftest import by_id

pytestmark = pytest.mark.reference

# Only the API both SDKs share (the reference has no module-level rn.log).
TRAINING_SCRIPT = r"""
import json, sys
import runicorn as rn

root = sys.argv[1]
ids = {}

run = rn.init(project="vision", storage=root, name="resnet", capture_env=False)
run.set_primary_metric("val_acc", mode="max")
for i, (loss, acc) in enumerate([(0.9, 0.31), (0.6, 0.52), (0.45, 0.48), (0.4, 0.61)]):
    run.log({"loss": loss, "val_acc": acc}, stage="warmup" if i < 2 else "train")
run.log({"lr": 0.001, "loss": 0.35}, step=10, stage="finetune")
run.log({"val_acc": 0.6})
run.log_text("epoch done")
run.summary({"epochs": 4, "note": "r\u00e9sum\u00e9"})
run.finish()
ids["finished"] = run.id

small = rn.init(project="vision", storage=root, name="small", capture_env=False)
small.set_primary_metric("loss", mode="min")
for loss in (2.0, 1.25, 1.5):
    small.log({"loss": loss})
small.finish(status="failed")
ids["failed"] = small.id
print(json.dumps(ids))
"""

# Identity of a run, different by nature between two runs of the same script.
IDENTITY = {"id", "run_dir", "created_time", "pid", "logs", "metrics", "metrics_step"}


@dataclass
class Written:
    theirs: Server
    ours_ids: dict[str, str]
    ref_ids: dict[str, str]


def _ids(stdout: str) -> dict[str, str]:
    return json.loads(stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def written(reference: Reference, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Written]:
    work = tmp_path_factory.mktemp("compat-our-sdk")
    root = work / "root"
    ref_ids = _ids(reference.run_script(TRAINING_SCRIPT, [str(root)], work))
    # Our SDK, from this venv, with the session's isolated config dirs (tests/conftest.py).
    env = {k: v for k, v in os.environ.items() if k != "RUNICORN_DIR"}
    ours_ids = _ids(run_python(sys.executable, TRAINING_SCRIPT, [str(root)], env, work / "ours-cwd"))
    theirs = reference.start_viewer(root, work)
    try:
        yield Written(theirs, ours_ids, ref_ids)
    finally:
        theirs.stop()


def _without_identity(item: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in item.items() if k not in IDENTITY}


@pytest.mark.parametrize("role", ["finished", "failed"])
def test_the_reference_lists_our_run_like_its_own(written: Written, role: str):
    runs = by_id(written.theirs.get("/api/runs").json())
    ours, theirs = runs[written.ours_ids[role]], runs[written.ref_ids[role]]
    assert _without_identity(ours) == _without_identity(theirs)
    expected = {
        "finished": ("vision", "resnet", "finished", "val_acc", 0.61),
        "failed": ("vision", "small", "failed", "loss", 1.25),
    }[role]
    assert (ours["project"], ours["name"], ours["status"], ours["best_metric_name"], ours["best_metric_value"]) == (
        expected
    )


@pytest.mark.parametrize("role", ["finished", "failed"])
def test_the_reference_shows_our_run_detail_like_its_own(written: Written, role: str):
    ours = written.theirs.get(f"/api/runs/{written.ours_ids[role]}")
    theirs = written.theirs.get(f"/api/runs/{written.ref_ids[role]}")
    assert (ours.status_code, theirs.status_code) == (200, 200)
    assert _without_identity(ours.json()) == _without_identity(theirs.json())


def test_the_reference_groups_our_runs_into_the_same_projects_and_names(written: Written):
    assert written.theirs.get("/api/projects").json() == {"projects": ["vision"]}
    assert written.theirs.get("/api/projects/vision/names").json() == {"names": ["resnet", "small"]}
    listed = by_id(written.theirs.get("/api/projects/vision/names/resnet/runs").json())
    assert {written.ours_ids["finished"], written.ref_ids["finished"]} <= set(listed)


def _rows_without_time(body: dict[str, Any]) -> list[dict[str, Any]]:
    return [{k: v for k, v in row.items() if k != "time"} for row in body["rows"]]


@pytest.mark.parametrize("role", ["finished", "failed"])
def test_our_events_parse_into_the_same_metric_rows(written: Written, role: str):
    ours = written.theirs.get(f"/api/runs/{written.ours_ids[role]}/metrics_step")
    theirs = written.theirs.get(f"/api/runs/{written.ref_ids[role]}/metrics_step")
    assert (ours.status_code, theirs.status_code) == (200, 200)
    ours_body, theirs_body = ours.json(), theirs.json()
    assert ours_body["columns"] == theirs_body["columns"]
    assert (ours_body["total"], ours_body["sampled"]) == (theirs_body["total"], theirs_body["sampled"])
    assert _rows_without_time(ours_body) == _rows_without_time(theirs_body)
    assert all(isinstance(row["time"], float) for row in ours_body["rows"])
    if role == "finished":
        steps = [(row["global_step"], row.get("stage")) for row in ours_body["rows"]]
        assert steps == [(1, "warmup"), (2, "warmup"), (3, "train"), (4, "train"), (10, "finetune"), (11, None)]


def test_our_run_files_are_in_the_reference_layout(written: Written):
    detail = written.theirs.get(f"/api/runs/{written.ours_ids['finished']}").json()
    run_dir = Path(detail["run_dir"])
    assert run_dir.parts[-4:] == ("vision", "resnet", "runs", written.ours_ids["finished"])
    meta = json.loads((run_dir / "meta.json").read_text())
    assert {"id", "project", "name", "created_at", "python", "platform", "hostname", "pid", "storage_dir"} <= set(meta)
    assert "epoch done" in (run_dir / "logs.txt").read_text()
