"""The embedded profile's scheduler: ``CELERY_BEAT_SCHEDULE`` run by a thread in the viewer.

Each entry is queued every ``schedule`` seconds (first after one interval), and skipped while its
previous run is still queued or running, so a slow disk never piles up work.
"""

from __future__ import annotations

import logging
import threading
import time
from datetime import timedelta
from typing import Any

from django.conf import settings

from runicorn_site.celery import app as celery_app

from . import records
from .embedded import enqueue

log = logging.getLogger(__name__)

# Done by the watcher thread in the embedded profile.
SKIP_WHEN_WATCHING = {"runicorn.index.reconcile"}

_started = threading.Event()
_stop = threading.Event()


def _seconds(schedule: Any) -> float:
    if isinstance(schedule, timedelta):
        return schedule.total_seconds()
    return float(schedule)


def start_embedded_beat() -> threading.Thread | None:
    """Start the scheduler thread once per process; returns it (None if already started)."""
    if _started.is_set():
        return None
    _started.set()
    thread = threading.Thread(target=run_schedule, args=(due_entries(), _stop), name="runicorn-beat", daemon=True)
    thread.start()
    return thread


def due_entries() -> dict[str, dict[str, Any]]:
    entries = dict(getattr(settings, "CELERY_BEAT_SCHEDULE", {}))
    if getattr(settings, "RUNICORN_START_INDEXER", False):
        entries = {k: v for k, v in entries.items() if v["task"] not in SKIP_WHEN_WATCHING}
    return entries


def run_schedule(entries: dict[str, dict[str, Any]], stop: threading.Event) -> None:
    """Queue each entry every ``schedule`` seconds until ``stop`` is set."""
    celery_app.loader.import_default_modules()  # registers every app's tasks by name
    now = time.monotonic()
    next_run = {name: now + _seconds(e["schedule"]) for name, e in entries.items()}
    last_id: dict[str, str] = {}
    while entries and not stop.is_set():
        name = min(next_run, key=next_run.__getitem__)
        if stop.wait(max(0.0, next_run[name] - time.monotonic())):
            return
        entry = entries[name]
        next_run[name] = time.monotonic() + _seconds(entry["schedule"])
        previous = records.get(last_id[name]) if name in last_id else None
        if previous is not None and previous.get("state") in ("PENDING", "STARTED"):
            continue
        try:
            task = celery_app.tasks[entry["task"]]
            last_id[name] = enqueue(task, kwargs=entry.get("kwargs")).id
        except Exception:
            log.exception("could not queue scheduled task %s", name)
