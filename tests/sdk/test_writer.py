"""The buffered writer: exact bytes, whole-line writes, partial writes, back-pressure, errors."""

from __future__ import annotations

import json
import logging
import os
import random
import shutil
from pathlib import Path

import pytest
import runicorn as rn
from runicorn import writer as writer_mod
from runicorn.writer import RunWriter, event_line

from .conftest import read_events


def _expected_line(ts: float, step: int, payload: dict, stage: object) -> str:
    data = dict(payload, global_step=step, time=ts)
    if stage is not None:
        data["stage"] = stage
    return json.dumps({"ts": ts, "type": "metrics", "data": data}, ensure_ascii=False) + "\n"


def test_formatting_equals_json_dumps(tmp_path: Path) -> None:
    rng = random.Random(7)
    w = RunWriter(tmp_path)
    try:
        key_sets = [("loss",), ("loss", "acc"), ("acc", "loss"), ("%d", 'q"uote', "ü"), ()]
        items: list = []
        expected: list[str] = []
        for step in range(1, 3000):
            keys = key_sets[rng.randrange(len(key_sets))] if rng.random() < 0.2 or not items else keys  # noqa: F821
            payload = {k: rng.choice([rng.random() * 10 ** rng.randint(-30, 30), rng.randint(-10**20, 10**20), 0,
                                      -0.0, 1e-300, 5e-324]) for k in keys}
            stage = rng.choice([None, None, "train", "vål", 'we"ird'])
            ts = 1.7e9 + rng.random()
            if rng.random() < 0.05:
                line = event_line({"ts": ts, "type": "image", "data": {"key": "k", "path": "media/x.png"}})
                items.append(line)
                expected.append(line)
            items.append((ts, step, payload, stage))
            expected.append(_expected_line(ts, step, payload, stage))
        assert w._format_events(items) == "".join(expected)
    finally:
        w.close()


def test_every_write_is_whole_lines_and_partial_writes_are_completed(tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    real_write = os.write
    chunks: list[bytes] = []

    def short_write(fd: int, data) -> int:  # type: ignore[no-untyped-def]
        data = bytes(data)
        chunks.append(data)
        return real_write(fd, data[:4096])  # the kernel may write less than asked

    monkeypatch.setattr(writer_mod.os, "write", short_write)
    run = rn.init(storage=tmp_path / "root")
    for i in range(30_000):
        run.log(i=i, loss=0.5)
    run.log_text("x" * 10_000)
    run.finish()
    monkeypatch.setattr(writer_mod.os, "write", real_write)
    first_chunks = [c for c in chunks if c.startswith(b'{"ts"')]
    assert first_chunks, "no write went through os.write"
    assert len(first_chunks) > 1, "expected the queue to be written in several chunks"
    for chunk in first_chunks:  # each write the writer starts is a run of complete lines
        assert chunk.endswith(b"\n")
        for line in chunk.splitlines():
            json.loads(line)
    events = read_events(run.run_dir)
    assert [e["data"]["i"] for e in events] == list(range(30_000))
    assert (run.run_dir / "logs.txt").read_text().endswith("x" * 10_000 + "\n")


def test_back_pressure_drains_in_the_logging_thread(tmp_path: Path) -> None:
    run = rn.init(storage=tmp_path / "root")
    w = run._writer
    w._stopping = True  # stop the background thread: only back-pressure can write now
    w._wake.set()
    w._thread.join()
    w.max_pending = 1000
    for i in range(999):
        run.log(i=i)
    assert not (run.run_dir / "events.jsonl").exists()
    for i in range(999, 1000 + w.wake_at):
        run.log(i=i)
    assert len(read_events(run.run_dir)) >= 1000
    run.finish()
    assert [e["data"]["i"] for e in read_events(run.run_dir)] == list(range(1000 + w.wake_at))


def test_write_errors_are_reported_once_and_do_not_stop_training(tmp_path: Path,
                                                                  caplog: pytest.LogCaptureFixture) -> None:
    run = rn.init(storage=tmp_path / "root")
    shutil.rmtree(run.run_dir)  # e.g. somebody deleted the run directory under our feet
    with caplog.at_level(logging.ERROR, logger="runicorn"):
        for i in range(10):
            run.log(i=i)
            run.flush()
        errors = [r for r in caplog.records if "could not write" in r.getMessage()]
        assert len(errors) == 1
        run.log(i=11)  # still fine
        run.finish()  # does not raise; the same kind of failure (status.json) is not reported again
    errors = [r for r in caplog.records if "could not write" in r.getMessage()]
    assert len(errors) == 1 and "the run directory was removed" in errors[0].getMessage()
    assert not run.run_dir.exists()  # nothing recreated a run the user deleted
    assert rn.get_active_run() is None


def test_flush_writes_now(tmp_path: Path) -> None:
    run = rn.init(storage=tmp_path / "root")
    run.log(a=1)
    run.log_text("hi")
    run.flush()
    assert len(read_events(run.run_dir)) == 1
    assert (run.run_dir / "logs.txt").read_text().endswith(" | hi\n")
    run.finish()
