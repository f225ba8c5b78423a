"""A run resumed after SIGKILL starts on a fresh line (issue #15.8).

SIGKILL during a write leaves the last line of events.jsonl / logs.txt without its end; the input
here is exactly that: the bytes a killed writer leaves, appended to a finished run's files.
"""

from __future__ import annotations

from pathlib import Path

import runicorn as rn

from .conftest import metric_steps, read_events


def _killed_run(root: Path, events_tail: bytes, logs_tail: bytes) -> rn.Run:
    run = rn.init(storage=root)
    run.log(x=1)
    run.log(x=2)
    run.log_text("first life")
    run.finish()
    with open(run.run_dir / "events.jsonl", "ab") as fh:
        fh.write(events_tail)
    with open(run.run_dir / "logs.txt", "ab") as fh:
        fh.write(logs_tail)
    return run


def test_resume_cuts_a_torn_event_line_and_keeps_every_line_whole(root: Path) -> None:
    run = _killed_run(root, b'{"ts": 1712.5, "type": "metrics", "data": {"x": 3, "glo', b"")
    again = rn.init(storage=root, run_id=run.id)
    again.log(x=3)
    again.finish()
    events = read_events(run.run_dir)  # strict: any invalid line fails here
    assert metric_steps(events) == [1, 2, 3]
    assert [e["data"]["x"] for e in events] == [1, 2, 3]


def test_resume_keeps_a_whole_event_that_lost_only_its_newline(root: Path) -> None:
    whole = b'{"ts": 1712.5, "type": "metrics", "data": {"x": 9, "global_step": 3, "time": 1712.5}}'
    run = _killed_run(root, whole, b"")
    again = rn.init(storage=root, run_id=run.id)
    again.log(x=4)
    again.finish()
    assert [e["data"]["x"] for e in read_events(run.run_dir)] == [1, 2, 9, 4]
    assert metric_steps(read_events(run.run_dir)) == [1, 2, 3, 4]


def test_resume_puts_logs_on_a_fresh_line_and_keeps_the_fragment(root: Path) -> None:
    run = _killed_run(root, b"", b"12:00:01 | epoch 3 loss 0.4")
    again = rn.init(storage=root, run_id=run.id)
    again.log_text("second life")
    again.finish()
    lines = (run.run_dir / "logs.txt").read_text().splitlines()
    assert [line.split(" | ", 1)[1] for line in lines] == ["first life", "epoch 3 loss 0.4", "second life"]
