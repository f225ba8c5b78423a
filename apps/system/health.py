"""``GET /api/health``: whether the viewer can do its job, and — for those allowed to see it — why not.

Load balancers ask without credentials, so the answer is open; in the team profile an anonymous
caller gets only ``{"status": ...}`` (the storage path, run count and version are a signed-in
user's business). ``status`` is ``"degraded"`` with ``reasons`` when the index database cannot
be written: the viewer then serves what it indexed before and sees no new runs.
"""

from __future__ import annotations

from typing import Any

import runicorn
from django.db import DatabaseError, connection, transaction
from django.db.models import F

from apps.accounts.access import auth_required, role_of
from apps.metrics.services import health_cache
from apps.runs import indexer
from apps.runs.models import IndexState
from apps.runs.storage import get_storage_root
from apps.runs.watcher import get_watcher

# SQLite waits up to its busy timeout (20 s) for a writer; a health check must answer at once,
# and a database busy with the indexer's writes is writable anyway.
_PROBE_BUSY_MS = 200


class _Rollback(Exception):
    pass


def _busy_timeout(ms: int) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"PRAGMA busy_timeout = {int(ms)}")


def index_write_problem() -> str | None:
    """Why the index database cannot be written, or None: a real write, rolled back."""
    sqlite = connection.vendor == "sqlite"
    try:
        if sqlite:
            _busy_timeout(_PROBE_BUSY_MS)
        try:
            with transaction.atomic():
                IndexState.objects.filter(pk=1).update(generation=F("generation"))
                raise _Rollback
        except _Rollback:
            return None
        finally:
            if sqlite:
                _busy_timeout(connection.settings_dict["OPTIONS"].get("timeout", 5) * 1000)
    except DatabaseError as exc:
        if "locked" in str(exc) or "busy" in str(exc):
            return None  # another writer holds it: writable, just not this instant
        return f"the index database cannot be written ({exc}); new and changed runs are not indexed"


def health(user: Any) -> dict[str, Any]:
    problems = [p for p in (index_write_problem(),) if p]
    status = "degraded" if problems else "ok"
    if auth_required() and role_of(user) is None:
        return {"status": status}
    state = IndexState.objects.filter(pk=1).first()
    watcher = get_watcher()
    answer: dict[str, Any] = {
        "status": status,
        "storage": str(get_storage_root()),
        "version": runicorn.__version__,
        "index": {
            "runs": state.runs_indexed if state else 0,
            "generation": state.generation if state else 0,
            "last_full_scan": state.last_full_scan if state else None,
            "watcher_running": bool(watcher and watcher.is_alive()),
            # The scan under way: a first index of a big root fills in chunk by chunk.
            "progress": indexer.progress.as_dict(),
        },
        "cache": health_cache(),
    }
    if problems:
        answer["reasons"] = problems
    return answer
