"""The Celery app: tasks come from each installed app's ``tasks.py``.

Team profile (``REDIS_URL`` set): Redis is broker and result backend; workers and the scheduler
run as ``celery -A runicorn_site worker`` and ``celery -A runicorn_site beat``.

Embedded profile (no ``REDIS_URL``): there is no broker server. ``RunicornTask.apply_async`` (and
so ``.delay``) hands the task to ``apps.jobs.embedded``: one worker thread in the viewer process
runs it with Celery's own ``Task.apply`` and keeps its state and result in Django's cache, so the
request that queued it returns at once and ``AsyncResult``-style polling still works.
"""

from __future__ import annotations

import os
from typing import Any

from celery import Celery, Task

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "runicorn_site.settings")


def tasks_embedded() -> bool:
    """Whether tasks run in this process (embedded profile) rather than on a broker's workers."""
    from django.conf import settings

    return bool(getattr(settings, "RUNICORN_TASKS_EMBEDDED", False))


class RunicornTask(Task):
    def apply_async(self, args: Any = None, kwargs: Any = None, task_id: str | None = None, *rest: Any,
                    **options: Any) -> Any:
        if tasks_embedded() and not self.app.conf.task_always_eager:
            from apps.jobs.embedded import enqueue

            return enqueue(self, args=args, kwargs=kwargs, task_id=task_id)
        return super().apply_async(args, kwargs, task_id, *rest, **options)


app = Celery("runicorn_site", task_cls=RunicornTask)
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
