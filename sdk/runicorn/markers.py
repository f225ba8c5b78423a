"""Changes the viewer makes to run directories: soft-delete markers and orphaned-run status."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Optional

from . import layout
from .jsonio import atomic_write_json, read_json

USER_DELETED = "user_deleted"


def write_deleted_marker(run_path: Path, reason: str, original_status: Optional[str]) -> float:
    deleted_at = time.time()
    atomic_write_json(
        run_path / layout.DELETED_MARKER,
        {"deleted_at": deleted_at, "reason": reason, "original_status": original_status},
    )
    return deleted_at


def remove_deleted_marker(run_path: Path) -> bool:
    try:
        os.unlink(run_path / layout.DELETED_MARKER)
    except FileNotFoundError:
        return False
    return True


def mark_process_not_found(run_path: Path, now: Optional[float] = None) -> dict:
    """Rewrite status.json of a run whose process vanished, as the reference does."""
    current = read_json(run_path / layout.STATUS_FILE)
    status = dict(current) if isinstance(current, dict) else {}
    status.update(
        {"status": "failed", "ended_at": now or time.time(), "exit_reason": "process_not_found"}
    )
    atomic_write_json(run_path / layout.STATUS_FILE, status)
    return status
