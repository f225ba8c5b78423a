"""Task records in Django's cache: which ids were queued here, and (embedded) their outcome.

The cache is per process in the embedded profile (one viewer process) and Redis in the team
profile, where every viewer process sees every record and Celery's result backend has the outcome.
"""

from __future__ import annotations

import json
import time
from typing import Any

from django.core.cache import cache

TTL_SECONDS = 24 * 3600
_PREFIX = "runicorn:task:"


def create(task_id: str, name: str) -> dict[str, Any]:
    record = {
        "task_id": task_id,
        "name": name,
        "state": "PENDING",
        "submitted_at": time.time(),
        "started_at": None,
        "finished_at": None,
        "result": None,
        "error": None,
    }
    cache.set(_PREFIX + task_id, record, TTL_SECONDS)
    return record


def get(task_id: str) -> dict[str, Any] | None:
    record = cache.get(_PREFIX + task_id)
    return record if isinstance(record, dict) else None


def update(task_id: str, **fields: Any) -> None:
    record = get(task_id) or {"task_id": task_id, "name": fields.get("name", "")}
    if "result" in fields:
        fields["result"] = _jsonable(fields["result"])
    record.update(fields)
    cache.set(_PREFIX + task_id, record, TTL_SECONDS)


def _jsonable(value: Any) -> Any:
    try:
        json.dumps(value)
    except (TypeError, ValueError):
        return repr(value)
    return value
