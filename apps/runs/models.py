"""The index: one row per run directory, kept in step with the disk by ``apps.runs.indexer``.

The files stay the source of truth; these rows exist so that every list is a query, not a walk.
"""

from __future__ import annotations

import uuid

from django.db import models


def _new_epoch() -> str:
    return uuid.uuid4().hex[:12]


class Run(models.Model):
    run_id = models.CharField(max_length=22, unique=True)
    project = models.CharField(max_length=100)
    name = models.CharField(max_length=100)
    run_dir = models.TextField()
    created_at = models.FloatField(null=True)
    status = models.CharField(max_length=16, default="running")
    started_at = models.FloatField(null=True)
    ended_at = models.FloatField(null=True)
    exit_reason = models.CharField(max_length=64, null=True, blank=True)
    pid = models.IntegerField(null=True)
    hostname = models.CharField(max_length=255, null=True, blank=True)
    python = models.CharField(max_length=64, null=True, blank=True)
    platform = models.CharField(max_length=255, null=True, blank=True)
    best_metric_value = models.FloatField(null=True)
    best_metric_name = models.CharField(max_length=255, null=True, blank=True)
    best_metric_step = models.BigIntegerField(null=True)
    best_metric_mode = models.CharField(max_length=8, null=True, blank=True)
    summary = models.JSONField(default=dict)
    config = models.JSONField(default=dict)
    tags = models.JSONField(default=list)
    description = models.TextField(null=True, blank=True)
    deleted = models.BooleanField(default=False)
    deleted_at = models.FloatField(null=True)
    delete_reason = models.CharField(max_length=255, null=True, blank=True)
    original_status = models.CharField(max_length=16, null=True, blank=True)
    artifacts_created_count = models.IntegerField(default=0)
    artifacts_used_count = models.IntegerField(default=0)
    environment_available = models.BooleanField(default=False)
    # "tensorboard", "mlflow", ... for runs brought in by `runicorn import` (meta.json imported_from).
    imported_from = models.CharField(max_length=32, null=True, blank=True)
    last_write = models.FloatField(null=True)
    # Stat-only change token of the run's small files: unchanged token, no re-read.
    fingerprint = models.CharField(max_length=512, default="")
    indexed_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["deleted", "-created_at"], name="run_deleted_created"),
            models.Index(fields=["project", "name"], name="run_project_name"),
            models.Index(fields=["status"], name="run_status"),
            # V2 experiments (apps.experiments): one index per sort key, each led by ``deleted``
            # and ending in ``id`` (the tie-break), so a page is an index walk and a count an
            # index-only scan. docs/v2-query-plans.md shows the plans.
            models.Index(fields=["deleted", "created_at", "id"], name="run_v2_created"),
            models.Index(fields=["deleted", "last_write", "id"], name="run_v2_updated"),
            models.Index(fields=["deleted", "best_metric_value", "id"], name="run_v2_best"),
            models.Index(fields=["deleted", "status", "created_at", "id"], name="run_v2_status"),
            # status last: a project + status filter is answered from the index alone.
            models.Index(fields=["deleted", "project", "created_at", "id", "status"], name="run_v2_project"),
            models.Index(fields=["deleted", "name", "created_at", "id"], name="run_v2_name"),
        ]

    def __str__(self) -> str:
        return f"{self.project}/{self.name}/{self.run_id}"

    @property
    def path(self) -> str:
        return f"{self.project}/{self.name}"


class IndexState(models.Model):
    """A single row: which root the index describes, and a counter bumped on every change.

    The counter keys cached responses (and their ETags) across requests and processes.
    """

    root = models.TextField(default="")
    # Changes whenever the row is created anew (a new or flushed database), so a generation
    # number seen before can never be mistaken for the current one.
    epoch = models.CharField(max_length=12, default=_new_epoch)
    generation = models.BigIntegerField(default=0)
    last_full_scan = models.FloatField(null=True)
    runs_indexed = models.IntegerField(default=0)

    def __str__(self) -> str:
        return f"index of {self.root} (generation {self.generation})"


class DeletedRun(Run):
    """Proxy for the admin's recycle bin."""

    class Meta:
        proxy = True
        verbose_name = "deleted run"
        verbose_name_plural = "recycle bin"
