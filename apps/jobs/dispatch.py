"""Queue a task and report on it, the same way in both profiles."""

from __future__ import annotations

import uuid
from typing import Any

from celery.result import AsyncResult
from django.db import transaction

from runicorn_site.celery import app as celery_app
from runicorn_site.celery import tasks_embedded

from . import records


class QueueUnavailable(Exception):
    """The broker could not take the task (team profile: Redis down)."""


def submit(task: Any, kwargs: dict[str, Any] | None = None) -> str:
    """Queue ``task(**kwargs)`` once the current transaction commits; returns the task id."""
    task_id = str(uuid.uuid4())
    records.create(task_id, task.name)

    def send() -> None:
        try:
            task.apply_async(kwargs=kwargs or {}, task_id=task_id)
        except Exception as exc:  # kombu raises its own OperationalError family
            records.update(task_id, state="FAILURE", error=f"could not queue the task: {exc}")
            raise QueueUnavailable(str(exc)) from exc

    transaction.on_commit(send)
    return task_id


def get_status(task_id: str) -> dict[str, Any] | None:
    """The task's record with its current state, or None for an id this site never queued."""
    record = records.get(task_id)
    if record is None or tasks_embedded() or record.get("state") == "FAILURE":
        return record
    outcome = AsyncResult(task_id, app=celery_app)
    state = outcome.state
    record = dict(record, state=state)
    if state == "SUCCESS":
        record["result"] = records._jsonable(outcome.result)
    elif state == "FAILURE":
        record["error"] = f"{type(outcome.result).__name__}: {outcome.result}"
    if outcome.date_done is not None and state in ("SUCCESS", "FAILURE"):
        record["finished_at"] = outcome.date_done.timestamp()
    return record
