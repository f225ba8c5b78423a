"""The embedded profile's task runner: one daemon thread executing queued Celery tasks.

Tasks run with ``Task.apply`` (Celery's eager execution: same task body, retries and request
context) but on this worker thread, never on the request thread that queued them. One thread is
enough for background housekeeping and keeps SQLite writes from competing with each other.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from django.db import close_old_connections, connections

from . import records

log = logging.getLogger(__name__)

_lock = threading.Lock()
_executor: ThreadPoolExecutor | None = None


def _get_executor() -> ThreadPoolExecutor:
    global _executor
    with _lock:
        if _executor is None:
            _executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="runicorn-jobs")
        return _executor


class EmbeddedResult:
    """What ``apply_async`` returns in the embedded profile: the id, and the state as it stands."""

    def __init__(self, task_id: str) -> None:
        self.id = self.task_id = task_id

    def _record(self) -> dict[str, Any]:
        return records.get(self.id) or {"state": "PENDING"}

    @property
    def state(self) -> str:
        return str(self._record()["state"])

    status = state

    def ready(self) -> bool:
        return self.state in ("SUCCESS", "FAILURE")

    @property
    def result(self) -> Any:
        record = self._record()
        return record.get("result") if record["state"] == "SUCCESS" else record.get("error")

    def get(self, timeout: float = 60.0, interval: float = 0.05) -> Any:
        deadline = time.monotonic() + timeout
        while not self.ready():
            if time.monotonic() > deadline:
                raise TimeoutError(f"task {self.id} not done within {timeout} s")
            time.sleep(interval)
        record = self._record()
        if record["state"] == "FAILURE":
            raise RuntimeError(record.get("error") or "task failed")
        return record.get("result")


def enqueue(task: Any, args: Any = None, kwargs: Any = None, task_id: str | None = None) -> EmbeddedResult:
    task_id = task_id or str(uuid.uuid4())
    if records.get(task_id) is None:
        records.create(task_id, task.name)
    _get_executor().submit(_run, task, tuple(args or ()), dict(kwargs or {}), task_id)
    return EmbeddedResult(task_id)


def _run(task: Any, args: tuple[Any, ...], kwargs: dict[str, Any], task_id: str) -> None:
    close_old_connections()
    records.update(task_id, state="STARTED", started_at=time.time())
    try:
        outcome = task.apply(args=args, kwargs=kwargs, task_id=task_id)
        if outcome.successful():
            records.update(task_id, state="SUCCESS", result=outcome.result, finished_at=time.time())
        else:
            log.warning("task %s (%s) failed: %s", task.name, task_id, outcome.result)
            records.update(task_id, state="FAILURE", error=f"{type(outcome.result).__name__}: {outcome.result}",
                           finished_at=time.time())
    except Exception as exc:  # the runner thread must survive whatever a task does
        log.exception("task %s (%s) crashed", task.name, task_id)
        records.update(task_id, state="FAILURE", error=f"{type(exc).__name__}: {exc}", finished_at=time.time())
    finally:
        connections.close_all()
