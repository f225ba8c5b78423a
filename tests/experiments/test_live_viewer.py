"""End to end: a real ``runicorn viewer``; runs written while it runs show up in V2, facets included."""

from __future__ import annotations

import json
import os
import socket

import pytest

from tests.experiments.dataset import make_experiment
from tests.fixtures.live_server import wait_until

pytestmark = pytest.mark.slow


def test_runs_appear_in_v2_right_after_they_are_written(live_viewer_factory, tmp_path):
    root = tmp_path / "live-root"
    # Its own SQLite index even when the suite runs on PostgreSQL (make test-postgres): the
    # point here is the path file -> indexer -> V2, not the database.
    viewer = live_viewer_factory(root, RUNICORN_RECONCILE_SECONDS="30", DATABASE_URL="")

    def v2(**params) -> dict:  # type: ignore[no-untyped-def]
        resp = viewer.get("/api/v2/experiments", params=params)
        assert resp.status_code == 200, resp.text
        return resp.json()

    assert v2()["total"] == 0
    run = make_experiment(
        root, "vision", "resnet", status="running", pid=os.getpid(), hostname=socket.gethostname(),
        tags=["baseline"], description="first live run", config={"lr": 0.01, "optimizer": {"name": "adam"}},
    )
    # File events, not the 30 s reconcile, bring it in.
    wait_until(lambda: v2(q='tags contains "baseline" and config.optimizer.name = "adam"')["total"] == 1, timeout=10)
    assert v2(search="live")["experiments"][0]["id"] == run.name
    assert v2(status="running")["total"] == 1

    status = json.loads((run / "status.json").read_text())
    (run / "status.json").write_text(json.dumps({**status, "status": "finished", "ended_at": status["started_at"] + 5}))
    (run / "summary.json").write_text(json.dumps({"accuracy": 0.97, "best_metric_value": 0.97}))
    wait_until(lambda: v2(q="summary.accuracy > 0.9 and status = \"finished\"")["total"] == 1, timeout=10)
    detail = viewer.get(f"/api/v2/experiments/{run.name}").json()
    assert detail["experiment"]["best_metric_value"] == 0.97 and detail["experiment"]["duration"] == 5.0
