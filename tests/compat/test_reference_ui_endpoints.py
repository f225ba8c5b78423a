"""The endpoints the reference's web UI calls, answered by our viewer and by the reference viewer on
the same storage root, compared field by field.

Known, deliberate differences (asserted below, not hidden): ``duration_seconds`` of the training
run (the reference always answers null); the host monitor's disk (ours: the storage root's).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.benchmarks.common import Reference, Server
from tests.fixtures.live_server import LiveViewer, start_viewer, stop_viewer, wait_until

pytestmark = pytest.mark.reference

# Inside the reference's venv: three versions of one model from three runs, in two projects.
REFERENCE_WRITER = r"""
import json, os, sys, time
import runicorn as rn

root, src = sys.argv[1], sys.argv[2]
ids = []
for project, name, acc in (("vision", "resnet", 0.7), ("vision", "resnet", 0.8), ("Audio", "wav2vec", 0.9)):
    run = rn.init(project=project, name=name, storage=root, capture_env=False)
    run.log({"loss": 1 - acc, "val_acc": acc}, step=1)
    run.log({"loss": (1 - acc) / 2}, step=2)
    run.summary({"test_acc": acc, "epochs": 3, "optimizer": "adam"})
    path = os.path.join(src, f"w{acc}.bin")
    with open(path, "wb") as fh:
        fh.write(os.urandom(32))
    art = rn.Artifact("shared-model", type="model")
    art.add_file(path)
    run.log_artifact(art)
    run.finish()
    ids.append(run.id)
    time.sleep(1.1)  # distinct creation seconds: the newest-first order is then unambiguous
print(json.dumps(ids))
"""


@dataclass
class Pair:
    ours: LiveViewer
    theirs: Server
    ids: list[str]


@pytest.fixture(scope="module")
def pair(reference: Reference, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Pair]:
    work = tmp_path_factory.mktemp("compat-ui-endpoints")
    root, src = work / "root", work / "src"
    src.mkdir()
    ids = json.loads(reference.run_script(REFERENCE_WRITER, [str(root), str(src)], work).strip().splitlines()[-1])
    ours = start_viewer(root, work, {"XDG_CONFIG_HOME": str(work / "our-config")})
    theirs: Server | None = None
    try:
        wait_until(lambda: len(ours.get("/api/runs").json()) == len(ids), timeout=30)
        theirs = reference.start_viewer(root, work)
        yield Pair(ours, theirs, ids)
    finally:
        if theirs is not None:
            theirs.stop()
        stop_viewer(ours)


def both(pair: Pair, method: str, path: str, **kwargs: Any) -> tuple[Any, Any]:
    ours = getattr(pair.ours, method)(path, **kwargs)
    theirs = getattr(pair.theirs, method)(path, **kwargs)
    assert ours.status_code == theirs.status_code == 200, (path, ours.text[:300], theirs.text[:300])
    return ours.json(), theirs.json()


def shape(value: Any) -> Any:
    """Keys (recursively) and JSON types, without the values."""
    if isinstance(value, dict):
        return {k: shape(v) for k, v in value.items()}
    if isinstance(value, list):
        return [shape(value[0])] if value else []
    return "number" if isinstance(value, int | float) and not isinstance(value, bool) else type(value).__name__


def test_runs_come_in_the_same_order(pair: Pair):
    ours, theirs = both(pair, "get", "/api/runs")
    assert [r["id"] for r in ours] == [r["id"] for r in theirs]
    # By project without regard to case ("Audio" first), then name, then newest first.
    assert [r["id"] for r in ours] == [pair.ids[2], pair.ids[1], pair.ids[0]]


def test_column_widths_and_dismissed_alerts_answer_alike(pair: Pair):
    query = "/api/config/column-widths?table=experiments&size=1400x900"
    ours, theirs = both(pair, "get", query)
    assert ours == theirs == {"table": "experiments", "size": "1400x900", "widths": {}}
    body = {"table": "experiments", "size": "1400x900", "widths": {"name": 210}, "window_width": 1440,
            "window_height": 900}
    saved = both(pair, "post", "/api/config/column-widths", json=body)
    assert saved[0] == saved[1]
    ours, theirs = both(pair, "get", query)
    assert ours == theirs and ours["widths"] == {"name": 210}
    reset = both(pair, "post", "/api/config/column-widths/reset?table=experiments")
    assert reset[0] == reset[1]

    for step in ("dismiss", "dismiss", "undismiss", "dismiss"):
        answers = both(pair, "post", f"/api/config/dismissed-alerts/{step}", json={"alert_id": "welcome"})
        assert answers[0] == answers[1]
    assert both(pair, "get", "/api/config/dismissed-alerts") == ({"dismissed_alerts": ["welcome"]},) * 2
    cleared = both(pair, "post", "/api/config/dismissed-alerts/clear")
    assert cleared[0] == cleared[1]
    for path, field in (("/api/config/column-widths?table=experiments", "size"),
                        ("/api/config/column-widths", "table")):
        ours, theirs = pair.ours.get(path), pair.theirs.get(path)
        assert ours.status_code == theirs.status_code == 422, path
        assert ours.json() == {"detail": f"Query parameter {field} is required"}


def test_training_metrics_and_performance_history_match(pair: Pair):
    for version in (1, 2, 3):
        ours, theirs = both(pair, "get", f"/api/artifacts/shared-model/training-metrics?version={version}&type=model")
        assert ours["duration_seconds"] is not None and theirs["duration_seconds"] is None  # theirs: never set
        assert {**ours, "duration_seconds": None} == theirs
    ours, theirs = both(pair, "get", "/api/artifacts/shared-model/training-metrics")
    assert ours["run_id"] == theirs["run_id"] == pair.ids[2]
    ours, theirs = both(pair, "get", "/api/artifacts/shared-model/performance-history?type=model")
    assert ours == theirs and [h["version"] for h in ours] == [1, 2, 3]
    ours, theirs = both(pair, "get", "/api/artifacts/shared-model/performance-history?metric_name=test_acc")
    assert ours == theirs


def test_the_host_monitor_has_the_reference_fields(pair: Pair):
    ours, theirs = both(pair, "get", "/api/system/monitor")
    assert shape(ours) == shape(theirs)
    assert ours["memory"]["total"] == theirs["memory"]["total"]
    assert len(ours["cpu"]["per_core"]) == len(theirs["cpu"]["per_core"])
    assert theirs["disk"]["path"] == "/" and Path(ours["disk"]["path"]) == pair.ours.root


def test_the_remote_page_lists_and_the_status_check_answer_alike(pair: Pair):
    assert both(pair, "get", "/api/remote/viewer/sessions") == ({"sessions": []},) * 2
    assert both(pair, "get", "/api/remote/connections/saved") == ({"ok": True, "connections": []},) * 2
    saved = both(pair, "post", "/api/remote/connections/saved",
                 json=[{"id": "c1", "name": "me@gpu", "host": "gpu.example", "port": 22, "username": "me",
                        "authMethod": "key", "privateKeyPath": "/home/me/.ssh/id_ed25519", "condaEnv": "system",
                        "createdAt": 1736840000000}])
    assert saved[0] == saved[1]
    ours, theirs = both(pair, "get", "/api/remote/connections/saved")
    # Ours adds hasPassword (it never hands a password back); the rest is the reference's.
    assert [{k: v for k, v in c.items() if k != "hasPassword"} for c in ours["connections"]] == theirs["connections"]
    ours, theirs = both(pair, "post", "/api/status/check")
    assert ours == theirs == {"checked": 0, "updated": 0,
                              "message": "Checked 0 running experiments, updated 0 statuses"}
