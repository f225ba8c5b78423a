"""Who created each ingested run, and which server version each uploaded artifact version became.

The run's files are the truth for everything else; these rows hold only what the files cannot:
the owner (a member writes only to runs they created) and the mapping from a job's local artifact
version numbers to the numbers this server gave them (so a retried upload gets the same number).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class IngestedRun(models.Model):
    run_id = models.CharField(max_length=32, primary_key=True)
    project = models.CharField(max_length=100)
    name = models.CharField(max_length=100)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="ingested_runs")
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.project}/{self.name}/{self.run_id}"


class IngestedArtifactVersion(models.Model):
    run = models.ForeignKey(IngestedRun, on_delete=models.CASCADE, related_name="artifact_versions")
    type = models.CharField(max_length=20)
    name = models.CharField(max_length=100)
    client_version = models.PositiveIntegerField()  # the number in the job's own storage root
    version = models.PositiveIntegerField()  # the number on this server

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["run", "type", "name", "client_version"], name="ingest_version_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.type}/{self.name}: v{self.client_version} -> v{self.version}"
