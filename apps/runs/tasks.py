"""Celery tasks of the runs app: the periodic reconcile of the index with the disk."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from celery import shared_task

from . import indexer
from .storage import get_storage_root


@shared_task(name="runicorn.index.reconcile")
def reconcile_index(root: str | None = None) -> dict[str, Any]:
    """Bring the index in step with the storage root (what the watcher does inside a viewer)."""
    stats = indexer.sync_index(Path(root) if root else get_storage_root())
    return {
        "scanned": stats.scanned,
        "updated": stats.updated,
        "removed": stats.removed,
        "orphaned": stats.orphaned,
        "seconds": round(stats.seconds, 4),
    }
