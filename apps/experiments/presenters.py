"""The JSON shape of one experiment in the V2 API.

The reference (0.5.3) returns ``id, run_dir, created_time, status, pid, best_metric_value,
best_metric_name, project, name, logs, metrics, metrics_step``; its docs show ``created_at`` and
``ended_at``. All of those are here, plus what a list or a run page needs without another request.
"""

from __future__ import annotations

import os
from typing import Any

from runicorn import layout

LIST_COLUMNS = (
    "id", "run_id", "run_dir", "project", "name", "status", "exit_reason", "pid", "hostname", "created_at",
    "started_at", "ended_at", "last_write", "best_metric_value", "best_metric_name", "best_metric_step",
    "best_metric_mode", "tags", "description", "deleted", "artifacts_created_count", "artifacts_used_count",
    "imported_from",
)
DETAIL_COLUMNS = (
    *LIST_COLUMNS, "summary", "config", "python", "platform", "deleted_at", "delete_reason", "original_status",
)


def duration(row: dict[str, Any]) -> float | None:
    """Seconds from start to end; None until the run has ended."""
    start = row.get("started_at") or row.get("created_at")
    end = row.get("ended_at")
    if start is None or end is None:
        return None
    return max(0.0, end - start)


def experiment(row: dict[str, Any]) -> dict[str, Any]:
    run_dir = row["run_dir"]
    return {
        "id": row["run_id"],
        "project": row["project"],
        "name": row["name"],
        "status": row["status"],
        "exit_reason": row["exit_reason"],
        "created_time": row["created_at"],
        "created_at": row["created_at"],
        "updated_at": row["last_write"],
        "started_at": row["started_at"],
        "ended_at": row["ended_at"],
        "duration": duration(row),
        "pid": row["pid"],
        "hostname": row["hostname"],
        "best_metric_value": row["best_metric_value"],
        "best_metric_name": row["best_metric_name"],
        "best_metric_step": row["best_metric_step"],
        "best_metric_mode": row["best_metric_mode"],
        "tags": row["tags"] or [],
        "description": row["description"],
        "deleted": row["deleted"],
        "artifacts_created_count": row["artifacts_created_count"],
        "artifacts_used_count": row["artifacts_used_count"],
        "imported_from": row["imported_from"],  # tensorboard, mlflow, ... for runs from `runicorn import`
        "run_dir": run_dir,
        "logs": os.path.join(run_dir, layout.LOGS_FILE),
        "metrics": os.path.join(run_dir, layout.EVENTS_FILE),
        "metrics_step": os.path.join(run_dir, layout.EVENTS_FILE),
    }


def experiment_detail(row: dict[str, Any]) -> dict[str, Any]:
    return {
        **experiment(row),
        "summary": row["summary"] or {},
        "config": row["config"] or {},
        "python": row["python"],
        "platform": row["platform"],
        "deleted_at": row["deleted_at"],
        "delete_reason": row["delete_reason"],
        "original_status": row["original_status"],
    }
