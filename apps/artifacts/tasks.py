"""Celery tasks of the artifacts app: the storage statistics scan."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

from celery import shared_task

from .stats import refresh_stats_snapshot


@shared_task(name="artifacts.refresh_stats", ignore_result=True)
def refresh_artifact_stats(root: str) -> dict[str, Any]:
    """Scan ``root``'s artifacts and store the stats snapshot (the path is passed explicitly: a
    worker may serve several viewers)."""
    return refresh_stats_snapshot(Path(root))


def dispatch_refresh(root: str) -> None:
    """Queue the scan on the project's Celery app; without one, run it in a thread here."""
    if importlib.util.find_spec("runicorn_site.celery") is None:
        from .services import refresh_in_thread

        refresh_in_thread(Path(root))
        return
    refresh_artifact_stats.delay(root)
