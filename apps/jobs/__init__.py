"""Running Celery tasks in both profiles: queue them, follow them, and (embedded) execute them.

    from apps.jobs.dispatch import submit, get_status
    task_id = submit(my_task, kwargs={...})   # after the current transaction commits
    get_status(task_id)                       # {"task_id", "name", "state", "result", "error", ...}

``my_task.delay(...)`` works too: in the embedded profile it goes to the in-process runner.
"""
