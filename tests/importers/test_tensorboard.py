"""runicorn import tensorboard: event files written by the real torch SummaryWriter become runs."""

from __future__ import annotations

from pathlib import Path

import pytest

pytestmark = pytest.mark.django_db

WRITE_LOGS = """
import numpy as np
from torch.utils.tensorboard import SummaryWriter

with SummaryWriter("logs/exp-a") as w:
    for step in range(1, 4):
        w.add_scalar("loss", 1.0 / step, step)
        w.add_scalar("acc", 0.5 + step / 10, step)
    w.add_text("notes", "first try", 1)
    w.add_image("sample", np.zeros((3, 4, 4), dtype=np.uint8), 2)
    w.add_histogram("weights", np.arange(100, dtype=np.float64), 3)
    w.add_hparams({"lr": 0.1, "optim": "sgd"}, {"hparam/acc": 0.8})
with SummaryWriter("logs/exp-b") as w:
    w.add_scalar("loss", 2.0, 0)
"""


def runs_by_name(api):  # type: ignore[no-untyped-def]
    return {r["name"]: r for r in api.get("/api/runs").json()}


def test_every_run_directory_becomes_a_run_with_its_data(api, reindex, storage_root, train, cli, tmp_path):
    train(WRITE_LOGS)
    done = cli("import", "tensorboard", str(tmp_path / "logs"), "--project", "tb")
    assert "Imported 2 run(s)" in done.stdout
    reindex()
    runs = runs_by_name(api)
    assert set(runs) == {"exp-a", "exp-b"}  # the hparams sub-directory was folded into exp-a
    run_id = runs["exp-a"]["id"]
    detail = api.get(f"/api/runs/{run_id}").json()
    assert detail["project"] == "tb" and detail["status"] == "finished"
    assert detail["config"] == {"lr": 0.1, "optim": "sgd"}
    assert detail["summary"]["hparam/acc"] == pytest.approx(0.8)
    assert detail["started_at"] < detail["ended_at"]
    rows = api.get(f"/api/runs/{run_id}/metrics_step").json()["rows"]
    assert [(r["global_step"], r["loss"]) for r in rows if "loss" in r] == [
        (1, 1.0), (2, 0.5), (3, pytest.approx(1 / 3))]
    assert all(r["time"] > 1.6e9 for r in rows)  # the original wall times
    assert "| [notes] step 1: first try\n" in (Path(detail["run_dir"]) / "logs.txt").read_text()
    images = api.get(f"/api/runs/{run_id}/images").json()["images"]
    assert [(i["key"], i["step"]) for i in images] == [("sample", 2)]
    assert api.get(f"/api/runs/{run_id}/media/{images[0]['path']}").status_code == 200
    hist = api.get(f"/api/runs/{run_id}/histograms").json()["histograms"]
    assert [h["key"] for h in hist] == ["weights"]
    entry = hist[0]["entries"][0]
    assert entry["step"] == 3 and sum(entry["counts"]) == 100 and entry["min"] == 0 and entry["max"] == 99


def test_importing_again_adds_nothing_and_runs_are_queryable_by_origin(api, reindex, storage_root, train, cli,
                                                                       tmp_path):
    train(WRITE_LOGS)
    cli("import", "tensorboard", str(tmp_path / "logs"))
    again = cli("import", "tensorboard", str(tmp_path / "logs"))
    assert "Imported 0 run(s)" in again.stdout and "skipped 2" in again.stdout
    reindex()
    assert len(api.get("/api/runs").json()) == 2
    page = api.get("/api/v2/experiments", {"q": 'imported_from = "tensorboard"'}).json()
    assert page["total"] == 2
    assert {e["imported_from"] for e in page["experiments"]} == {"tensorboard"}
    assert api.get("/api/v2/experiments", {"q": 'imported_from = "mlflow"'}).json()["total"] == 0


def test_a_directory_without_event_files_is_refused_with_advice(cli, tmp_path):
    done = cli("import", "tensorboard", str(tmp_path), check=False)
    assert done.returncode == 1
    assert "No TensorBoard event files (events.out.tfevents.*) below" in done.stderr
