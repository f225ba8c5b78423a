"""GET /api/artifacts/{name}/training-metrics and /performance-history: the creating run's summary,
with the reference's field names, from runs and artifacts written by the real SDK."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import runicorn as rn

from apps.runs import indexer
from apps.runs.storage import get_storage_root, set_storage_root
from tests.artifacts.conftest import write_file

pytestmark = pytest.mark.django_db

TRAINING_FIELDS = {"run_id", "run_name", "project", "metrics", "created_at", "duration_seconds", "status"}


@dataclass
class Trained:
    root: Path
    runs: list[str]  # the run that created v1, v2, ...


def _train(root: Path, src: Path, acc: float, loss: float) -> str:
    run = rn.Run(project="vision", name="resnet", storage=root)
    run.summary({"val_acc": acc, "loss": loss, "optimizer": "adam", "converged": True})
    write_file(src / "model.pt", f"weights {acc}")
    run.log_artifact(rn.Artifact("resnet", type="model").add_file(src / "model.pt"))
    run.finish()
    return run.id


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Trained:
    work = tmp_path_factory.mktemp("artifact-training")
    root = work / "root"
    return Trained(root, [_train(root, work / "src", acc, loss) for acc, loss in ((0.71, 0.9), (0.83, 0.5))])


@pytest.fixture
def trained(template: Trained, db) -> Iterator[Trained]:  # type: ignore[no-untyped-def]
    previous = get_storage_root()
    set_storage_root(template.root)
    indexer.sync_index(template.root)
    yield template
    set_storage_root(previous)


def test_training_metrics_of_a_version_are_its_runs_summary(api, trained):
    answer = api.get("/api/artifacts/resnet/training-metrics", {"version": 1, "type": "model"})

    assert answer.status_code == 200
    body = answer.json()
    assert set(body) == TRAINING_FIELDS
    assert (body["run_id"], body["run_name"], body["project"], body["status"]) == (
        trained.runs[0], "resnet", "vision", "finished")
    assert body["metrics"]["val_acc"] == 0.71 and body["metrics"]["optimizer"] == "adam"
    status = json.loads(next(trained.root.glob(f"*/*/runs/{trained.runs[0]}/status.json")).read_text())
    # The reference always answers null here (it reads keys no file has); ours is the run's length.
    assert body["duration_seconds"] == pytest.approx(status["ended_at"] - status["started_at"])
    metadata = json.loads((trained.root / "artifacts/model/resnet/v1/metadata.json").read_text())
    assert body["created_at"] == metadata["created_at"]


def test_training_metrics_default_to_the_newest_version_and_find_the_type(api, trained):
    body = api.get("/api/artifacts/resnet/training-metrics").json()
    assert body["run_id"] == trained.runs[1] and body["metrics"]["val_acc"] == 0.83


@pytest.mark.parametrize(("params", "status", "detail"), [
    ({"version": 9}, 404, "Version not found: resnet:v9"),
    ({"version": "x"}, 400, "Invalid version: 'x' (expected a positive integer, as in /v3)"),
    ({"type": "dataset"}, 404, "Artifact not found: resnet (type=dataset)"),
    ({"type": "bogus"}, 400, None),
])
def test_training_metrics_refuse_unknown_or_malformed_versions(api, trained, params, status, detail):
    answer = api.get("/api/artifacts/resnet/training-metrics", params)
    assert answer.status_code == status
    if detail:
        assert answer.json() == {"detail": detail}


def test_an_unknown_artifact_is_404(api, trained):
    for path in ("training-metrics", "performance-history"):
        answer = api.get(f"/api/artifacts/nothing/{path}")
        assert (answer.status_code, answer.json()) == (404, {"detail": "Artifact not found: nothing"})


def test_performance_history_lists_every_version_with_numeric_metrics(api, trained):
    answer = api.get("/api/artifacts/resnet/performance-history", {"type": "model"})

    assert answer.status_code == 200
    history = answer.json()
    assert [(h["version"], h["run_id"], h["status"]) for h in history] == [
        (1, trained.runs[0], "finished"), (2, trained.runs[1], "finished")]
    assert set(history[0]) == {"version", "created_at", "run_id", "status", "metrics"}
    # Numbers only: not the optimizer's name, not a flag.
    assert history[0]["metrics"] == {"val_acc": 0.71, "loss": 0.9}
    only = api.get("/api/artifacts/resnet/performance-history", {"metric_name": "val_acc"}).json()
    assert [h["metrics"] for h in only] == [{"val_acc": 0.71}, {"val_acc": 0.83}]


def test_a_version_without_an_indexed_run_has_no_training_metrics(api, trained, tmp_path):
    # An artifact logged outside a run the viewer knows (its run directory is gone).
    root = tmp_path / "root"
    shutil.copytree(trained.root, root)
    shutil.rmtree(next(root.glob(f"*/*/runs/{trained.runs[0]}")))
    set_storage_root(root)
    indexer.sync_index(root)

    answer = api.get("/api/artifacts/resnet/training-metrics", {"version": 1})
    assert (answer.status_code, answer.json()) == (200, None)
    assert [h["version"] for h in api.get("/api/artifacts/resnet/performance-history").json()] == [2]
