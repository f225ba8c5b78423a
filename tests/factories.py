"""Hand-made run directories in the reference (0.5.x) layout, for tests and benchmarks.

These write files the way the reference SDK does, independently of our SDK, so the viewer is
tested against the format and not only against our own writer.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterable
from pathlib import Path
from typing import Any

_counter = 0


def make_run_id(ts: float | None = None) -> str:
    global _counter
    _counter += 1
    stamp = time.strftime("%Y%m%d_%H%M%S", time.localtime(ts if ts is not None else time.time()))
    return f"{stamp}_{uuid.uuid4().hex[:6]}"


def write_json(path: Path, obj: Any) -> None:
    path.write_text(json.dumps(obj, indent=2))


def make_run(
    root: Path,
    project: str = "proj",
    name: str = "exp",
    *,
    run_id: str | None = None,
    created_at: float | None = None,
    status: str | None = "finished",
    pid: int = 4242,
    hostname: str = "other-host",
    summary: dict[str, Any] | None = None,
    events: Iterable[dict[str, Any]] | None = None,
    raw_events: str | None = None,
    logs: str | None = None,
    deleted: dict[str, Any] | None = None,
    meta_extra: dict[str, Any] | None = None,
    write_meta: bool = True,
) -> Path:
    created = created_at if created_at is not None else time.time()
    run_id = run_id or make_run_id(created)
    run_dir = root / project / name / "runs" / run_id
    run_dir.mkdir(parents=True, exist_ok=True)
    if write_meta:
        meta = {
            "id": run_id, "project": project, "name": name, "created_at": created,
            "python": "3.11.7", "platform": "Linux", "hostname": hostname, "pid": pid,
            "storage_dir": str(root),
        }
        meta.update(meta_extra or {})
        write_json(run_dir / "meta.json", meta)
    if status is not None:
        st: dict[str, Any] = {"status": status, "started_at": created}
        if status != "running":
            st["ended_at"] = created + 10
        write_json(run_dir / "status.json", st)
    if summary is not None:
        write_json(run_dir / "summary.json", summary)
    if events is not None or raw_events is not None:
        with open(run_dir / "events.jsonl", "w") as fh:
            for ev in events or ():
                fh.write(json.dumps(ev) + "\n")
            if raw_events:
                fh.write(raw_events)
    if logs is not None:
        (run_dir / "logs.txt").write_text(logs)
    if deleted is not None:
        write_json(run_dir / ".deleted", deleted)
    return run_dir


def metric_event(step: int, ts: float, **values: Any) -> dict[str, Any]:
    return {"ts": ts, "type": "metrics", "data": {**values, "global_step": step, "time": ts}}
