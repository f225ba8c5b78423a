"""The V2 experiment detail and batch delete, callable without HTTP."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from runicorn import layout

from apps.runs import services as run_services
from apps.runs.models import Run
from apps.runs.storage import get_storage_root

from . import metrics_summary, presenters

BATCH_DELETE_MAX = 1000
DEFAULT_DELETE_REASON = "user_batch_delete"
REASON_MAX_LENGTH = 255
# Counting a run's files stops here: a media folder with a million images must not stall a page.
FILE_COUNT_LIMIT = 100_000


class InvalidRequest(ValueError):
    """Input that the API answers with 400 and this message as ``detail``."""


def run_path(row: dict[str, Any]) -> Path | None:
    """The run's directory inside the storage root, or None when the indexed path escapes it."""
    try:
        return layout.safe_join(get_storage_root(), row["project"], row["name"], layout.RUNS_DIR, row["run_id"])
    except layout.InvalidName:
        return None


def count_files(path: Path, limit: int = FILE_COUNT_LIMIT) -> int:
    """Regular files below ``path`` (symlinks not followed), at most ``limit``."""
    total = 0
    stack = [str(path)]
    while stack and total < limit:
        try:
            with os.scandir(stack.pop()) as entries:
                for entry in entries:
                    try:
                        if entry.is_dir(follow_symlinks=False):
                            stack.append(entry.path)
                        elif entry.is_file(follow_symlinks=False):
                            total += 1
                    except OSError:
                        continue
        except OSError:
            continue
    return min(total, limit)


def get_experiment(exp_id: str) -> dict[str, Any] | None:
    """The detail of a run (deleted ones included, flagged), or None when it is not indexed."""
    if not layout.is_valid_run_id(exp_id):
        return None
    row = Run.objects.filter(run_id=exp_id).values(*presenters.DETAIL_COLUMNS).first()
    if row is None:
        return None
    path = run_path(row)
    if path is None or not path.is_dir():
        return {"experiment": presenters.experiment_detail(row), "metrics_summary": metrics_summary.empty(),
                "environment_available": False, "file_count": 0}
    return {
        "experiment": presenters.experiment_detail(row),
        "metrics_summary": metrics_summary.summarize(path / layout.EVENTS_FILE),
        "environment_available": (path / layout.ENVIRONMENT_FILE).is_file(),
        "file_count": count_files(path),
    }


def check_batch_delete(body: Any) -> tuple[list[str], str]:
    """``(exp_ids, reason)`` from the request body, or InvalidRequest saying what is wrong."""
    if not isinstance(body, dict):
        raise InvalidRequest("Request body must be a JSON object")
    exp_ids = body.get("exp_ids")
    if not exp_ids:
        raise InvalidRequest("exp_ids is required")
    if not isinstance(exp_ids, list) or not all(isinstance(i, str) for i in exp_ids):
        raise InvalidRequest("exp_ids must be a list of experiment id strings")
    if len(exp_ids) > BATCH_DELETE_MAX:
        raise InvalidRequest(f"Cannot delete more than {BATCH_DELETE_MAX} experiments at once")
    reason = body.get("reason", DEFAULT_DELETE_REASON)
    if reason is None:
        reason = DEFAULT_DELETE_REASON
    if not isinstance(reason, str) or not reason.strip() or len(reason) > REASON_MAX_LENGTH or "\x00" in reason:
        raise InvalidRequest(f"reason must be a non-empty string of at most {REASON_MAX_LENGTH} characters")
    return list(dict.fromkeys(exp_ids)), reason


def batch_delete(exp_ids: list[str], reason: str) -> dict[str, Any]:
    """Soft delete through the same code as V1, so both APIs and the recycle bin agree."""
    valid = [i for i in exp_ids if layout.is_valid_run_id(i)]
    results: dict[str, dict[str, Any]] = {
        i: {"success": False, "error": "invalid experiment id"} for i in exp_ids if not layout.is_valid_run_id(i)
    }
    results.update(run_services.soft_delete(valid, reason) if valid else {})
    ordered = {i: results[i] for i in exp_ids}
    deleted = sum(1 for r in ordered.values() if r["success"])
    return {
        "deleted": deleted,
        "failed": len(exp_ids) - deleted,
        "results": ordered,
        # The reference's names for the same numbers.
        "deleted_count": deleted,
        "message": f"Soft deleted {deleted} of {len(exp_ids)} runs",
    }
