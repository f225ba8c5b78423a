"""The SDK habits users bring from W&B (issue #19), through the real SDK in a real process and
read back by the viewer's own endpoints: commit=False, run.config.lr, run.summary[...] = ...,
log_image(matplotlib Figure), the traceback of an uncaught exception in logs.txt, and epoch as a
metric column."""

from __future__ import annotations

import struct
from pathlib import Path

import pytest
import runicorn as rn

from .conftest import read_events, read_json_file, run_child, the_run_dir

TRAIN = """
import sys
import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
import runicorn as rn

run = rn.init(project="p", name="n", storage=sys.argv[1], config={"lr": 0.1, "layers": 3})
assert run.config.lr == 0.1 and run.config["layers"] == 3
run.config.batch = 32
rn.set_primary_metric("acc", mode="max")
for epoch in range(3):
    rn.log({"loss": 1.0 / (epoch + 1)}, commit=False)
    rn.log({"acc": epoch / 10, "epoch": epoch})
run.summary["best_acc"] = 0.2
rn.summary["note"] = "from the module"
run.summary({"final": 1})
assert run.summary["best_metric_value"] == 0.2
fig = plt.figure(figsize=(2, 2))
plt.plot([1, 2, 3])
print(rn.log_image("curve", fig, caption="loss curve"))
rn.log({"tail": 1.0}, commit=False)  # still held when the exception ends the process
raise RuntimeError("diverged at epoch 3")
"""


def test_w_and_b_habits_in_a_real_process(storage_root: Path, reindex, api, write_script) -> None:  # type: ignore[no-untyped-def]
    pytest.importorskip("matplotlib")
    proc = run_child(write_script(TRAIN), str(storage_root))
    assert proc.returncode == 1 and "RuntimeError: diverged at epoch 3" in proc.stderr
    run_dir = the_run_dir(storage_root)

    metrics = [e["data"] for e in read_events(run_dir) if e["type"] == "metrics"]
    # commit=False: the loss joins the next call's step instead of being a step (or a metric
    # named "commit") of its own; the value still held at exit is the last step.
    assert [(m["global_step"], m.get("loss"), m.get("acc"), m.get("epoch")) for m in metrics] == [
        (1, 1.0, 0.0, 0), (2, 0.5, 0.1, 1), (3, 1.0 / 3, 0.2, 2), (4, None, None, None),
    ]
    assert metrics[-1]["tail"] == 1.0 and not any("commit" in m for m in metrics)
    assert read_json_file(run_dir / "config.json") == {"lr": 0.1, "layers": 3, "batch": 32}
    summary = read_json_file(run_dir / "summary.json")
    assert (summary["best_acc"], summary["note"], summary["final"]) == (0.2, "from the module", 1)
    assert summary["best_metric_name"] == "acc"

    image = run_dir / proc.stdout.strip()
    png = image.read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and struct.unpack(">II", png[16:24])[0] > 50
    logs = (run_dir / "logs.txt").read_text()
    assert "Traceback (most recent call last):" in logs and "RuntimeError: diverged at epoch 3" in logs
    assert read_json_file(run_dir / "status.json")["status"] == "failed"

    # The viewer keeps epoch as a metric (a chart, and an x axis in the UI).
    reindex()
    body = api.get(f"/api/runs/{run_dir.name}/metrics_step").json()
    assert "epoch" in body["columns"] and [r.get("epoch") for r in body["rows"]][:3] == [0, 1, 2]


def test_config_attributes_say_which_keys_exist(root: Path) -> None:
    run = rn.init(storage=root, config={"lr": 0.1})
    with pytest.raises(AttributeError, match=r"config has no key 'momentum' \(keys: lr\)"):
        _ = run.config.momentum
    del run.config.lr
    assert read_json_file(run.run_dir / "config.json") == {}
    run.finish()


def test_summary_is_a_mapping_that_is_also_callable(root: Path) -> None:
    run = rn.init(storage=root)
    run.summary({"a": 1})
    run.summary["b"] = 2
    run.summary.update(c=3)
    del run.summary["a"]
    assert dict(run.summary) == {"b": 2, "c": 3} and "b" in rn.summary and len(run.summary) == 2
    assert read_json_file(run.run_dir / "summary.json") == {"b": 2, "c": 3}
    with pytest.raises(TypeError, match="takes a mapping"):
        run.summary(5)  # type: ignore[arg-type]
    run.finish()


def test_a_context_manager_failure_writes_the_traceback(root: Path) -> None:
    with pytest.raises(ValueError), rn.init(storage=root) as run:
        raise ValueError("bad batch")
    logs = (run.run_dir / "logs.txt").read_text()
    assert "ValueError: bad batch" in logs and logs.count("Traceback") == 1


def test_held_values_keep_their_stage_and_are_written_at_finish(root: Path) -> None:
    run = rn.init(storage=root)
    run.log({"loss": 0.5}, commit=False, stage="train")
    run.log({"acc": 0.9})
    run.log({"lr": 0.1}, commit=False)
    run.finish()
    metrics = [e["data"] for e in read_events(run.run_dir) if e["type"] == "metrics"]
    assert [(m["global_step"], m.get("loss"), m.get("acc"), m.get("lr"), m.get("stage")) for m in metrics] == [
        (1, 0.5, 0.9, None, "train"), (2, None, None, 0.1, None),
    ]
