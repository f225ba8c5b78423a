"""Changes made to run directories from outside the training process (the viewer, the CLI):
soft-delete markers, permanent removal, tags, and orphaned-run status."""

from __future__ import annotations

import logging
import os
import shutil
import time
import uuid
from pathlib import Path
from typing import List, Optional

from . import layout
from .jsonio import atomic_write_json, read_json

USER_DELETED = "user_deleted"

log = logging.getLogger(__name__)


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


def remove_run_dir(path: Path) -> None:
    """Take the run out of the root with one rename, then delete its files.

    Deleting in place and failing half-way (a file that cannot be unlinked, an NFS ``.nfs*``
    file held open) used to leave a run without its ``.deleted`` marker, or an empty one, that
    came back among the live runs. A failed rename changes nothing; after it, what is left has a
    name the indexer never reads and is only logged.
    """
    trash = path.with_name(f".{path.name}.deleting-{uuid.uuid4().hex[:8]}")
    os.rename(path, trash)
    try:
        shutil.rmtree(trash)
    except OSError as exc:
        log.warning("run %s was removed, but deleting its files at %s failed: %s", path.name, trash, exc)


def set_tags(run_path: Path, tags: List[str]) -> List[str]:
    """Replace the run's tags in meta.json (atomically); the tags written."""
    meta = read_json(run_path / layout.META_FILE)
    meta = dict(meta) if isinstance(meta, dict) else {}
    meta["tags"] = list(dict.fromkeys(t for t in tags if t))
    atomic_write_json(run_path / layout.META_FILE, meta)
    return meta["tags"]
