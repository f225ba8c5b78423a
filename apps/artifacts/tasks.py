"""Celery tasks of the artifacts app: the storage statistics scan."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from celery import shared_task

from .stats import refresh_stats_snapshot


@shared_task(name="artifacts.refresh_stats", ignore_result=True)
def refresh_artifact_stats(root: str) -> dict[str, Any]:
    """Scan ``root``'s artifacts and store the stats snapshot (the path is passed explicitly: a
    worker may serve several viewers)."""
    return refresh_stats_snapshot(Path(root))


def dispatch_refresh(root: str) -> str:
    """Queue the scan through the project's task runner: a Celery worker on Redis in the team
    profile, the viewer's in-process runner thread in the embedded one. Returns the task id."""
    from apps.jobs.dispatch import submit

    return submit(refresh_artifact_stats, kwargs={"root": root})
