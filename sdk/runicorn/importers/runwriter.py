"""Writing a run that another tool recorded: the SDK's layout with the run's own times.

An importer fills an :class:`ImportedRun` and calls :func:`write_run`. The run is written into a
hidden staging directory next to its final place and renamed into place at the end, so the viewer
never indexes half an import and an interrupted import leaves nothing behind but the staging
directory (removed on the next try).

Idempotency: every imported run carries ``imported_from = {"tool", "source", "key"}`` in meta.json;
``key`` identifies the original (a TensorBoard run directory, an MLflow run id) and
:func:`imported_keys` lists the keys a root already holds, so importing again adds nothing. The run
id is derived from the key as well (start time + 6 hex of its hash).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, Iterable, List, Optional, Set, Tuple

from .. import layout
from ..console import format_log_line
from ..jsonio import atomic_write_json, read_json
from ..media import media_file_name
from ..writer import event_line


@dataclass
class ImportedRun:
    tool: str  # "tensorboard", "mlflow"
    key: str  # stable identity of the original run within the tool
    source: str  # where it was read from (a path or a tracking URI)
    project: str
    name: str
    started_at: float
    ended_at: Optional[float] = None
    status: str = "finished"
    config: Dict[str, Any] = field(default_factory=dict)
    summary: Dict[str, Any] = field(default_factory=dict)
    tags: List[str] = field(default_factory=list)
    description: Optional[str] = None
    extra_meta: Dict[str, Any] = field(default_factory=dict)
    # step -> (wall time, {metric: value}); values at one step are merged into one event
    metrics: Dict[int, Tuple[float, Dict[str, float]]] = field(default_factory=dict)
    logs: List[Tuple[float, str]] = field(default_factory=list)
    images: List[Tuple[str, Optional[int], float, bytes]] = field(default_factory=list)  # key, step, ts, PNG/JPEG
    histograms: List[Dict[str, Any]] = field(default_factory=list)  # runicorn.histograms records

    def add_metric(self, step: int, ts: float, name: str, value: float) -> None:
        when, values = self.metrics.get(step, (ts, {}))
        values[name] = value
        self.metrics[step] = (max(when, ts), values)


def run_id_for(key: str, started_at: float) -> str:
    digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:6]
    return f"{time.strftime('%Y%m%d_%H%M%S', time.localtime(started_at))}_{digest}"


def imported_keys(root: Path, tool: str) -> Set[str]:
    """``imported_from.key`` of every run under ``root`` imported from ``tool``."""
    keys: Set[str] = set()
    for loc in layout.iter_run_dirs(root):
        meta = read_json(loc.path / layout.META_FILE)
        origin = meta.get("imported_from") if isinstance(meta, dict) else None
        if isinstance(origin, dict) and origin.get("tool") == tool and isinstance(origin.get("key"), str):
            keys.add(origin["key"])
    return keys


def _finite(value: Any) -> Any:
    return value if isinstance(value, (int, float)) and value - value == 0 else None


def _event_lines(run: ImportedRun) -> Iterable[str]:
    for step in sorted(run.metrics):
        ts, values = run.metrics[step]
        data: Dict[str, Any] = {k: _finite(v) for k, v in values.items()}
        data.update(global_step=step, time=ts)
        yield event_line({"ts": ts, "type": "metrics", "data": data})


def write_run(root: Path, run: ImportedRun) -> Path:
    """Write ``run`` under ``root``; returns its directory. Raises FileExistsError when it is there."""
    run_id = run_id_for(run.key, run.started_at)
    final = layout.run_dir(root, run.project, run.name, run_id)
    if final.exists():
        raise FileExistsError(f"run {run_id} already exists at {final}")
    final.parent.mkdir(parents=True, exist_ok=True)
    staging = final.parent / f".import-{run_id}-{uuid.uuid4().hex[:8]}"
    staging.mkdir()
    try:
        _write_files(staging, run, run_id, root)
        os.replace(staging, final)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return final


def _write_files(path: Path, run: ImportedRun, run_id: str, root: Path) -> None:
    meta = {
        "id": run_id, "project": run.project, "name": run.name, "created_at": run.started_at,
        "python": None, "platform": None, "hostname": None, "pid": None, "storage_dir": str(root),
        "tags": run.tags, "description": run.description,
        "imported_from": {"tool": run.tool, "source": run.source, "key": run.key, "imported_at": time.time()},
        **run.extra_meta,
    }
    atomic_write_json(path / layout.META_FILE, meta)
    status: Dict[str, Any] = {"status": run.status, "started_at": run.started_at}
    if run.ended_at is not None:
        status["ended_at"] = run.ended_at
    atomic_write_json(path / layout.STATUS_FILE, status)
    atomic_write_json(path / layout.CONFIG_FILE, run.config)
    atomic_write_json(path / layout.SUMMARY_FILE, run.summary)
    lines: List[str] = list(_event_lines(run))
    if run.images:
        media = path / layout.MEDIA_DIR
        media.mkdir()
        for key, step, ts, data in run.images:
            suffix = ".jpg" if data[:3] == b"\xff\xd8\xff" else ".png"
            name = media_file_name(key, suffix, now=ts)
            (media / name).write_bytes(data)
            lines.append(event_line({"ts": ts, "type": "image",
                                     "data": {"key": key, "path": f"{layout.MEDIA_DIR}/{name}", "step": step,
                                              "caption": None}}))
    (path / layout.EVENTS_FILE).write_text("".join(lines), encoding="utf-8")
    logs = "".join(format_log_line(line, ts) for ts, text in sorted(run.logs, key=lambda x: x[0])
                   for line in str(text).split("\n"))
    (path / layout.LOGS_FILE).write_text(logs, encoding="utf-8")
    if run.histograms:
        body = "".join(json.dumps(doc, allow_nan=False) + "\n" for doc in run.histograms)
        (path / layout.HISTOGRAMS_FILE).write_text(body, encoding="utf-8")
