"""The reference viewer (0.5.3) reads what the integrations write: a run with histograms.jsonl, a
run started by the SummaryWriter drop-in, and a run written by an importer (null host fields,
imported_from in meta.json) are listed and served like any other, with their metric rows."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator

import pytest

from tests.benchmarks.common import Reference, Server, run_python
from tests.compat.conftest import by_id

pytestmark = pytest.mark.reference

SCRIPT = r"""
import json, sys
import runicorn as rn
from runicorn.importers.runwriter import ImportedRun, write_run
from runicorn.log_compat.tensorboard import SummaryWriter
from pathlib import Path

root = sys.argv[1]
ids = {}
run = rn.init(project="p", name="hist", storage=root)
for step in (1, 2):
    run.log({"loss": 1.0 / step})
    run.log_histogram("w", [0.0, 0.5, 1.0], step=step)
run.finish()
ids["hist"] = run.id
import os
os.environ["RUNICORN_DIR"] = root
with SummaryWriter("logs/dropin") as w:
    w.add_scalar("loss", 0.5, 1)
    w.add_histogram("w", [1, 2, 3], 1)
    ids["dropin"] = w.run.id
imported = ImportedRun(tool="tensorboard", key="k", source="/x", project="p", name="imported", started_at=1.7e9,
                       ended_at=1.7e9 + 5)
imported.add_metric(1, 1.7e9 + 1, "loss", 0.25)
imported.histograms.append({"ts": 1.7e9, "key": "w", "step": 1, "min": 0, "max": 1, "count": 1, "sum": 0,
                            "sum_squares": 0, "edges": [0, 1], "counts": [1]})
ids["imported"] = write_run(Path(root), imported).name
print(json.dumps(ids))
"""


@pytest.fixture(scope="module")
def served(reference: Reference, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Server, dict[str, str]]]:
    work = tmp_path_factory.mktemp("compat-integ")
    root = work / "root"
    env = {k: v for k, v in os.environ.items() if k != "RUNICORN_DIR"}
    ids = json.loads(run_python(sys.executable, SCRIPT, [str(root)], env, work / "cwd").strip().splitlines()[-1])
    server = reference.start_viewer(root, work)
    try:
        yield server, ids
    finally:
        server.stop()


@pytest.mark.parametrize(("role", "status", "loss"), [("hist", "finished", 0.5), ("dropin", "finished", 0.5),
                                                       ("imported", "finished", 0.25)])
def test_the_reference_lists_and_serves_the_run(served, role, status, loss):
    server, ids = served
    listed = by_id(server.get("/api/runs").json())
    assert listed[ids[role]]["status"] == status
    detail = server.get(f"/api/runs/{ids[role]}")
    assert detail.status_code == 200
    rows = server.get(f"/api/runs/{ids[role]}/metrics_step")
    assert rows.status_code == 200
    assert rows.json()["rows"][-1]["loss"] == pytest.approx(loss)
