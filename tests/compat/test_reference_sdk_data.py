"""Runs written by the REFERENCE SDK (0.5.3) are served by our viewer exactly as the reference
viewer serves them: /api/runs, /api/runs/{id}, /api/projects..., /api/recycle-bin.

One storage root for the module: a finished run with a primary metric, stages, text and a summary;
a run finished as ``failed``; a run soft-deleted through the reference viewer's own API; and a run
left ``running`` by a process that has exited. Our viewer starts first, so it is our liveness check
(not the reference's) that turns the dead run into ``failed``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.benchmarks.common import Reference, Server
from tests.compat.conftest import assert_same_fields, by_id
from tests.fixtures.live_server import LiveViewer, start_viewer, stop_viewer, wait_until

pytestmark = pytest.mark.reference

# Runs inside the reference's venv. The last run is never finished: when this process exits it
# stays "running" with a pid that no longer exists.
REFERENCE_WRITER = r"""
import json, sys
import runicorn as rn

root = sys.argv[1]

def train(project, name, primary=True):
    run = rn.init(project=project, storage=root, name=name, capture_env=False)
    if primary:
        run.set_primary_metric("val_acc", mode="max")
    for i, (loss, acc) in enumerate([(0.9, 0.31), (0.6, 0.52), (0.45, 0.48), (0.4, 0.61)]):
        run.log({"loss": loss, "val_acc": acc}, stage="warmup" if i < 2 else "train")
    run.log_text("epoch done")
    run.summary({"epochs": 4, "note": "r\u00e9sum\u00e9"})
    return run

best = train("vision", "resnet")
best.finish()
failed = train("vision", "resnet", primary=False)
failed.finish(status="failed")
doomed = train("vision", "vit")
doomed.finish()
dead = rn.init(project="nlp", storage=root, name="bert", capture_env=False)
dead.log({"loss": 1.5})
print(json.dumps({"best": best.id, "failed": failed.id, "deleted": doomed.id, "dead": dead.id}))
"""

UNKNOWN_ID = "20000101_000000_abcdef"


@dataclass
class Pair:
    ours: LiveViewer
    theirs: Server
    root: Path
    ids: dict[str, str]


@pytest.fixture(scope="module")
def pair(reference: Reference, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Pair]:
    work = tmp_path_factory.mktemp("compat-reference-sdk")
    root = work / "root"
    ids = json.loads(reference.run_script(REFERENCE_WRITER, [str(root)], work).strip().splitlines()[-1])
    ours = start_viewer(root, work, {"RUNICORN_LIVENESS_SECONDS": "0.5"})
    theirs: Server | None = None
    try:
        wait_until(lambda: ours.get(f"/api/runs/{ids['dead']}").json().get("status") == "failed", timeout=20)
        theirs = reference.start_viewer(root, work)
        deleted = theirs.post("/api/runs/soft-delete", json={"run_ids": [ids["deleted"]]})
        assert deleted.status_code == 200 and deleted.json()["deleted_count"] == 1, deleted.text
        wait_until(lambda: ids["deleted"] in by_id(ours.get("/api/recycle-bin").json()["deleted_runs"]), timeout=20)
        yield Pair(ours, theirs, root, ids)
    finally:
        if theirs is not None:
            theirs.stop()
        stop_viewer(ours)


def test_run_list_matches_the_reference(pair: Pair):
    theirs = by_id(pair.theirs.get("/api/runs").json())
    ours = by_id(pair.ours.get("/api/runs").json())
    assert set(theirs) == {pair.ids["best"], pair.ids["failed"], pair.ids["dead"]}
    assert set(ours) == set(theirs)
    for run_id, item in theirs.items():
        assert_same_fields(ours[run_id], item, f"/api/runs[{run_id}]")
    best = ours[pair.ids["best"]]
    assert (best["status"], best["best_metric_name"], best["best_metric_value"]) == ("finished", "val_acc", 0.61)
    assert ours[pair.ids["failed"]]["status"] == "failed"
    assert ours[pair.ids["failed"]]["best_metric_value"] is None


def test_run_detail_matches_the_reference(pair: Pair):
    for run_id in (pair.ids["best"], pair.ids["failed"], pair.ids["dead"]):
        theirs = pair.theirs.get(f"/api/runs/{run_id}")
        ours = pair.ours.get(f"/api/runs/{run_id}")
        assert (ours.status_code, theirs.status_code) == (200, 200)
        assert_same_fields(ours.json(), theirs.json(), f"/api/runs/{run_id}")


@pytest.mark.parametrize("which", ["deleted", "unknown"])
def test_missing_and_deleted_runs_are_404_in_both(pair: Pair, which: str):
    run_id = pair.ids.get(which, UNKNOWN_ID)
    theirs = pair.theirs.get(f"/api/runs/{run_id}")
    ours = pair.ours.get(f"/api/runs/{run_id}")
    assert (ours.status_code, theirs.status_code) == (404, 404)
    assert ours.json() == theirs.json() == {"detail": "Run not found"}


def test_projects_and_names_match_the_reference(pair: Pair):
    projects = pair.theirs.get("/api/projects").json()
    assert pair.ours.get("/api/projects").json() == projects == {"projects": ["nlp", "vision"]}
    for project in [*projects["projects"], "no-such-project"]:
        names = pair.theirs.get(f"/api/projects/{project}/names").json()
        assert pair.ours.get(f"/api/projects/{project}/names").json() == names, project
        for name in names["names"]:
            path = f"/api/projects/{project}/names/{name}/runs"
            theirs, ours = by_id(pair.theirs.get(path).json()), by_id(pair.ours.get(path).json())
            assert set(ours) == set(theirs) and theirs, path
            for run_id, item in theirs.items():
                assert_same_fields(ours[run_id], item, f"{path}[{run_id}]")
    # The only "vit" run is in the recycle bin, so neither viewer lists the name.
    assert pair.ours.get("/api/projects/vision/names").json() == {"names": ["resnet"]}


def test_recycle_bin_matches_the_reference(pair: Pair):
    theirs = by_id(pair.theirs.get("/api/recycle-bin").json()["deleted_runs"])
    ours = by_id(pair.ours.get("/api/recycle-bin").json()["deleted_runs"])
    assert set(ours) == set(theirs) == {pair.ids["deleted"]}
    item = ours[pair.ids["deleted"]]
    assert_same_fields(item, theirs[pair.ids["deleted"]], "/api/recycle-bin")
    assert (item["delete_reason"], item["original_status"]) == ("user_deleted", "finished")


def test_a_run_whose_process_died_is_failed_on_disk_for_both(pair: Pair):
    run_id = pair.ids["dead"]
    detail = pair.ours.get(f"/api/runs/{run_id}").json()
    assert (detail["status"], detail["exit_reason"]) == ("failed", "process_not_found")
    status = json.loads((pair.root / "nlp" / "bert" / "runs" / run_id / "status.json").read_text())
    assert (status["status"], status["exit_reason"]) == ("failed", "process_not_found")
    assert pair.theirs.get(f"/api/runs/{run_id}").json()["status"] == "failed"


@pytest.mark.parametrize("which", ["best", "failed", "dead"])
def test_metric_rows_match_the_reference(pair: Pair, which: str):
    path = f"/api/runs/{pair.ids[which]}/metrics_step"
    theirs, ours = pair.theirs.get(path), pair.ours.get(path)
    assert (ours.status_code, theirs.status_code) == (200, 200)
    assert_same_fields(ours.json(), theirs.json(), path)
    assert ours.json()["total"] == (1 if which == "dead" else 4)
