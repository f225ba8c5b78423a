# The Celery app is created with Django so that tasks (``@shared_task``) bind to it.
from .celery import app as celery_app

__all__ = ("celery_app",)
