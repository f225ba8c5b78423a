"""Celery tasks of the runs app: the periodic reconcile of the index with the disk."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from celery import shared_task

from runicorn_site.dblocks import session_lock

from . import indexer
from .models import IndexState
from .storage import get_storage_root
from .watcher import INDEX_LEADER_LOCK


@shared_task(name="runicorn.index.reconcile")
def reconcile_index(root: str | None = None) -> dict[str, Any]:
    """Bring the index in step with the storage root (what the watcher does inside a viewer).

    Skipped while a viewer's watcher maintains the index (it holds the leader lock); this task is
    the reconcile for deployments whose viewers run with RUNICORN_START_INDEXER=0.
    """
    with session_lock(INDEX_LEADER_LOCK, wait=False) as leading:
        if not leading:
            # "scanned": what the viewer's own last reconcile saw (it keeps the index in step).
            last = IndexState.objects.filter(pk=1).values_list("runs_indexed", flat=True).first()
            return {"scanned": last or 0, "updated": 0, "removed": 0, "orphaned": 0, "seconds": 0.0,
                    "skipped": "a viewer process maintains the index"}
        stats = indexer.sync_index(Path(root) if root else get_storage_root())
    return {
        "scanned": stats.scanned,
        "updated": stats.updated,
        "removed": stats.removed,
        "orphaned": stats.orphaned,
        "seconds": round(stats.seconds, 4),
    }
