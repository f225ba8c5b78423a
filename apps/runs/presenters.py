"""The JSON shapes of the V1 runs API, as the reference (0.5.x) returns them."""

from __future__ import annotations

import os
from collections.abc import Iterable
from typing import Any

from runicorn import layout

LIST_FIELDS = (
    "run_id", "run_dir", "created_at", "status", "pid", "best_metric_value", "best_metric_name",
    "project", "name", "artifacts_created_count", "artifacts_used_count",
)


def list_item(row: tuple[Any, ...]) -> dict[str, Any]:
    (run_id, run_dir, created_at, status, pid, best_value, best_name,
     project, name, created_count, used_count) = row
    return {
        "id": run_id,
        "run_dir": run_dir,
        "created_time": created_at,
        "status": status,
        "pid": pid,
        "best_metric_value": best_value,
        "best_metric_name": best_name,
        "project": project,
        "name": name,
        "artifacts_created_count": created_count,
        "artifacts_used_count": used_count,
    }


def list_items(rows: Iterable[tuple[Any, ...]]) -> list[dict[str, Any]]:
    return [list_item(row) for row in rows]


def detail(run: Any) -> dict[str, Any]:
    return {
        "id": run.run_id,
        "status": run.status,
        "pid": run.pid,
        "run_dir": run.run_dir,
        "project": run.project,
        "name": run.name,
        "logs": os.path.join(run.run_dir, layout.LOGS_FILE),
        "metrics": os.path.join(run.run_dir, layout.EVENTS_FILE),
        "metrics_step": os.path.join(run.run_dir, layout.EVENTS_FILE),
        "artifacts_created_count": run.artifacts_created_count,
        "artifacts_used_count": run.artifacts_used_count,
        # Additive (the reference omits them): what a run page needs without another request.
        "created_time": run.created_at,
        "started_at": run.started_at,
        "ended_at": run.ended_at,
        "exit_reason": run.exit_reason,
        "hostname": run.hostname,
        "best_metric_value": run.best_metric_value,
        "best_metric_name": run.best_metric_name,
        "best_metric_step": run.best_metric_step,
        "best_metric_mode": run.best_metric_mode,
        "summary": run.summary,
        "config": run.config,
        "tags": run.tags,
        "description": run.description,
        # Who uploaded it to this server (apps.ingest.runs.with_owner); None for runs found on disk.
        "owner": getattr(run, "uploaded_by", None),
    }


def deleted_item(row: tuple[Any, ...]) -> dict[str, Any]:
    run_id, project, name, created_at, deleted_at, reason, original_status, run_dir = row
    return {
        "id": run_id,
        "project": project,
        "name": name,
        "created_time": created_at,
        "deleted_at": deleted_at,
        "delete_reason": reason or "unknown",
        "original_status": original_status or "unknown",
        "run_dir": run_dir,
    }


DELETED_FIELDS = (
    "run_id", "project", "name", "created_at", "deleted_at", "delete_reason", "original_status", "run_dir",
)
