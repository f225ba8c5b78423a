"""In-process round trips: what init/log/summary/finish write, read back with runicorn's readers."""

from __future__ import annotations

import json
import os
import re
import threading
import time
from pathlib import Path

import pytest
import runicorn as rn
from runicorn import layout, records
from runicorn.jsonio import read_json

from .conftest import metric_steps, read_events, read_json_file, the_run_dir

META_KEYS = ["id", "project", "name", "created_at", "python", "platform", "hostname", "pid", "storage_dir",
             "tags", "description"]


def test_init_writes_meta_status_config(root: Path) -> None:
    run = rn.init(project="vision", name="resnet", storage=root, tags=["a", "b", "a"], description="first try",
                  config={"lr": 0.001, "layers": [1, 2]})
    assert rn.get_active_run() is run
    assert run.run_dir == root / "vision" / "resnet" / "runs" / run.id
    assert layout.is_valid_run_id(run.id)
    assert (run.project, run.name, run.storage_root) == ("vision", "resnet", root.resolve())

    meta = read_json_file(run.run_dir / "meta.json")
    assert list(meta) == META_KEYS
    assert meta["id"] == run.id and meta["pid"] == os.getpid() and meta["storage_dir"] == str(root.resolve())
    assert meta["tags"] == ["a", "b"] and meta["description"] == "first try"
    assert re.fullmatch(r"\d+\.\d+\.\d+", meta["python"])

    status = read_json_file(run.run_dir / "status.json")
    assert status["status"] == "running" and isinstance(status["started_at"], float)
    assert read_json_file(run.run_dir / "config.json") == {"lr": 0.001, "layers": [1, 2]}
    # Readable by someone else (the viewer may run as another user): the umask decides, not 0600.
    assert os.stat(run.run_dir / "meta.json").st_mode & 0o044 == 0o044 & ~_umask()

    run.finish()
    status = read_json_file(run.run_dir / "status.json")
    assert status["status"] == "finished" and status["ended_at"] >= status["started_at"]
    assert rn.get_active_run() is None


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


def test_no_config_file_without_config(root: Path) -> None:
    run = rn.init(storage=root)
    assert not (run.run_dir / "config.json").exists()
    run.config["seed"] = 3
    assert read_json_file(run.run_dir / "config.json") == {"seed": 3}
    run.finish()


def test_config_and_tags_are_rewritten(root: Path) -> None:
    run = rn.init(storage=root, config={"lr": 0.1})
    run.config.update(batch=32, lr=0.2)
    run.config["epochs"] = 5
    del run.config["batch"]
    assert dict(run.config) == {"lr": 0.2, "epochs": 5}
    assert read_json_file(run.run_dir / "config.json") == {"lr": 0.2, "epochs": 5}
    run.add_tags("x", "y")
    run.add_tags("y", "z")
    assert read_json_file(run.run_dir / "meta.json")["tags"] == ["x", "y", "z"]
    run.finish()
    rec = records.read_run(layout.RunLocation(run.project, run.name, run.id, run.run_dir))
    assert rec.tags == ["x", "y", "z"] and rec.config == {"lr": 0.2, "epochs": 5} and rec.status == "finished"


@pytest.mark.parametrize("bad", ["", "../up", "a/b", ".hidden", "x" * 101, None])
def test_invalid_project_or_name(root: Path, bad: object) -> None:
    with pytest.raises(ValueError, match="invalid project"):
        rn.init(project=bad, storage=root)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="invalid name"):
        rn.init(name=bad, storage=root)  # type: ignore[arg-type]
    assert not root.exists() or not any(layout.iter_run_dirs(root))


def test_invalid_run_id(root: Path) -> None:
    with pytest.raises(rn.InvalidName, match="run_id"):
        rn.init(storage=root, run_id="../../etc")


def test_metrics_line_shape_matches_reference(root: Path) -> None:
    run = rn.init(project="p", name="n", storage=root)
    run.log({"loss": 0.5, "acc": 1})
    run.log({"loss": 0.25}, stage="train")
    run.finish()
    lines = (run.run_dir / "events.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(lines) == 2
    first, second = (json.loads(line) for line in lines)
    # Exactly the bytes json.dumps gives with its default separators, key order as the reference.
    assert lines[0] == json.dumps(first, ensure_ascii=False)
    assert lines[1] == json.dumps(second, ensure_ascii=False)
    ts = first["ts"]
    assert lines[0] == (
        f'{{"ts": {ts!r}, "type": "metrics", "data": {{"loss": 0.5, "acc": 1, "global_step": 1, "time": {ts!r}}}}}'
    )
    assert list(second) == ["ts", "type", "data"]
    assert list(second["data"]) == ["loss", "global_step", "time", "stage"]
    assert second["data"]["stage"] == "train" and second["data"]["time"] == second["ts"]


def test_awkward_keys_are_encoded_exactly(root: Path) -> None:
    run = rn.init(storage=root)
    keys = ['a%s', '100%', 'quote"d', "back\\slash", "naïve/é", "tab\there", "日本"]
    for i in range(3):
        run.log({k: i for k in keys}, stage=f"s{i}")
    run.finish()
    lines = (run.run_dir / "events.jsonl").read_text(encoding="utf-8").splitlines()
    events = [json.loads(line) for line in lines]
    for i, (line, event) in enumerate(zip(lines, events, strict=True)):
        assert line == json.dumps(event, ensure_ascii=False)
        assert [k for k in event["data"] if k not in ("global_step", "time", "stage")] == keys
        assert all(event["data"][k] == i for k in keys) and event["data"]["stage"] == f"s{i}"


def test_global_step_counts_and_follows_explicit_steps(root: Path) -> None:
    run = rn.init(storage=root)
    run.log(a=1)
    run.log(a=2)
    run.log({"a": 3}, step=10)
    run.log(a=4)
    run.log(a=5, step=0)
    run.log(a=6)
    run.log({"a": 7, "step": 99, "global_step": 98, "time": 1.0})  # ignored keys, like the reference
    assert run.global_step == 2
    run.finish()
    events = read_events(run.run_dir)
    assert metric_steps(events) == [1, 2, 10, 11, 0, 1, 2]
    assert [e["data"]["a"] for e in events] == [1, 2, 3, 4, 5, 6, 7]
    assert events[-1]["data"]["time"] == events[-1]["ts"]
    assert set(events[-1]["data"]) == {"a", "global_step", "time"}


def test_stage_from_argument_or_payload(root: Path) -> None:
    run = rn.init(storage=root)
    run.log({"x": 1, "stage": "warmup"})
    run.log({"x": 2, "stage": "ignored"}, stage="train")
    run.log(x=3, stage=2)
    run.log(x=4)
    run.finish()
    stages = [e["data"].get("stage") for e in read_events(run.run_dir)]
    assert stages == ["warmup", "train", "2", None]


def test_value_normalisation(root: Path, caplog: pytest.LogCaptureFixture) -> None:
    np = pytest.importorskip("numpy")
    run = rn.init(storage=root)
    run.log({"nan": float("nan"), "inf": float("inf"), "ok": 1.5, "flag": True, "text": "hello", "none": None,
             "np32": np.float32(0.5), "np64": np.float64(0.25), "npint": np.int64(7), "arr0": np.array(3.0),
             "vec": np.array([1.0, 2.0])})
    run.log({"text": "again"})
    run.finish()
    data = read_events(run.run_dir)[0]["data"]
    assert data["nan"] is None and data["inf"] is None
    assert data["ok"] == 1.5 and data["flag"] == 1 and data["np32"] == 0.5 and data["np64"] == 0.25
    assert data["npint"] == 7 and type(data["npint"]) is int and data["arr0"] == 3.0
    assert "text" not in data and "none" not in data and "vec" not in data
    warnings = [r.getMessage() for r in caplog.records if "dropped" in r.getMessage()]
    assert sum("'text'" in w for w in warnings) == 1  # once per key, not once per call


def test_caller_mutating_its_dict_does_not_change_logged_values(root: Path) -> None:
    run = rn.init(storage=root)
    payload = {"loss": 1.0}
    run.log(payload)
    payload["loss"] = 2.0
    payload["new"] = 3.0
    run.finish()
    assert read_events(run.run_dir)[0]["data"]["loss"] == 1.0


def test_best_metric_reaches_summary_during_the_run(root: Path) -> None:
    run = rn.init(storage=root)
    run.summary({"note": "hi"})
    run.set_primary_metric("val_acc", mode="max")
    for acc in (0.5, 0.7, 0.6):
        run.log(val_acc=acc, loss=1 - acc)
    expected = {"note": "hi", "best_metric_value": 0.7, "best_metric_name": "val_acc", "best_metric_step": 2,
                "best_metric_mode": "max"}
    assert _wait_for(lambda: read_json(run.run_dir / "summary.json") == expected)
    run.log(val_acc=0.9)
    assert _wait_for(lambda: read_json(run.run_dir / "summary.json")["best_metric_value"] == 0.9)
    assert read_json(run.run_dir / "status.json")["status"] == "running"
    run.summary({"test_acc": 0.88})
    run.finish()
    summary = read_json_file(run.run_dir / "summary.json")
    assert summary == {**expected, "best_metric_value": 0.9, "best_metric_step": 4, "test_acc": 0.88}
    rec = records.read_run(layout.RunLocation(run.project, run.name, run.id, run.run_dir))
    assert (rec.best_metric_value, rec.best_metric_step, rec.best_metric_mode) == (0.9, 4, "max")


def test_min_mode_and_invalid_mode(root: Path) -> None:
    run = rn.init(storage=root)
    with pytest.raises(ValueError):
        run.set_primary_metric("loss", mode="lowest")
    run.set_primary_metric("loss", mode="min")
    for loss in (3.0, 1.0, 2.0, float("nan")):
        run.log(loss=loss)
    run.finish()
    summary = read_json_file(run.run_dir / "summary.json")
    assert (summary["best_metric_value"], summary["best_metric_step"], summary["best_metric_mode"]) == (1.0, 2, "min")


def _wait_for(condition, timeout: float = 5.0) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if condition():
                return True
        except (TypeError, KeyError, OSError):  # not written yet
            pass
        time.sleep(0.05)
    return False


def test_events_reach_the_file_without_finish(root: Path) -> None:
    run = rn.init(storage=root)
    for i in range(10):
        run.log(i=i)
    assert _wait_for(lambda: len(read_events(run.run_dir)) == 10)
    run.log_text("visible soon")
    assert _wait_for(lambda: "visible soon" in (run.run_dir / "logs.txt").read_text())


def test_log_text_format(root: Path) -> None:
    run = rn.init(storage=root)
    run.log_text("hello")
    run.log_text("two\nlines\n")
    run.finish()
    lines = (run.run_dir / "logs.txt").read_text(encoding="utf-8").splitlines()
    assert len(lines) == 3
    assert all(re.fullmatch(r"\d\d:\d\d:\d\d \| .*", line) for line in lines)
    assert [line[11:] for line in lines] == ["hello", "two", "lines"]


def test_module_level_functions_and_context_manager(root: Path) -> None:
    with pytest.raises(RuntimeError, match="init"):
        rn.log(x=1)
    with rn.init(storage=root, project="ctx") as run:
        rn.set_primary_metric("x")
        rn.log({"x": 1})
        rn.log_text("t")
        rn.summary({"s": 1})
    assert read_json_file(run.run_dir / "status.json")["status"] == "finished"
    assert read_json_file(run.run_dir / "summary.json")["best_metric_value"] == 1
    with pytest.raises(ZeroDivisionError), rn.init(storage=root, project="ctx2") as failing:
        rn.log(x=1)
        1 / 0  # noqa: B018
    status = read_json_file(failing.run_dir / "status.json")
    assert status["status"] == "failed" and "ZeroDivisionError" in status["error"]
    assert len(read_events(failing.run_dir)) == 1


def test_finish_is_idempotent_and_closes_the_run(root: Path) -> None:
    run = rn.init(storage=root)
    run.log(x=1)
    run.finish("failed")
    run.finish()
    assert read_json_file(run.run_dir / "status.json")["status"] == "failed"
    with pytest.raises(RuntimeError, match="finished"):
        run.log(x=2)
    with pytest.raises(ValueError):
        rn.init(storage=root).finish("done")


def test_second_init_finishes_the_first(root: Path) -> None:
    first = rn.init(storage=root, name="first")
    first.log(x=1)
    second = rn.init(storage=root, name="second")
    assert read_json_file(first.run_dir / "status.json")["status"] == "finished"
    assert rn.get_active_run() is second
    rn.log(x=2)
    rn.finish()
    assert [e["data"]["x"] for e in read_events(first.run_dir)] == [1]
    assert [e["data"]["x"] for e in read_events(second.run_dir)] == [2]


def test_logging_from_threads_loses_nothing(root: Path) -> None:
    run = rn.init(storage=root)
    threads = [threading.Thread(target=lambda t=t: [run.log(t=t, i=i) for i in range(2000)]) for t in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    run.finish()
    events = read_events(run.run_dir)
    assert len(events) == 8000
    assert sorted(metric_steps(events)) == list(range(1, 8001))
    for t in range(4):
        assert [e["data"]["i"] for e in events if e["data"]["t"] == t] == list(range(2000))


def test_resume_with_run_id_continues_steps(root: Path) -> None:
    run = rn.init(storage=root, tags=["one"])
    run.log(x=1)
    run.log(x=2)
    run.summary({"kept": True})
    run.finish()
    again = rn.init(storage=root, run_id=run.id, tags=["two"])
    again.log(x=3)
    again.finish()
    assert metric_steps(read_events(run.run_dir)) == [1, 2, 3]
    assert read_json_file(run.run_dir / "meta.json")["tags"] == ["one", "two"]
    assert read_json_file(run.run_dir / "summary.json") == {"kept": True}


def test_large_volume_is_complete_and_ordered(root: Path) -> None:
    run = rn.init(storage=root)
    n = 50_000
    for i in range(n):
        run.log({"loss": 1.0 / (i + 1), "i": i}, stage="even" if i % 2 == 0 else None)
    run.finish()
    events = read_events(run.run_dir)
    assert len(events) == n
    assert metric_steps(events) == list(range(1, n + 1))
    assert [e["data"]["i"] for e in events] == list(range(n))
    assert all(("stage" in e["data"]) == (e["data"]["i"] % 2 == 0) for e in events)
    assert the_run_dir(root) == run.run_dir
