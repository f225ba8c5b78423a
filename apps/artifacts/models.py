"""An index of the artifact versions on disk (for the admin and the stats), and the stats snapshot.

The files stay the source of truth. ``indexing.sync_artifact_index`` refreshes these rows from
disk incrementally (stat tokens), and is called by the stats task and before every admin list;
the admin's actions change the disk through ``services`` and then re-sync. The API's lists do
not use these rows: they read the disk directly (see ``reader``), so they are never behind.
"""

from __future__ import annotations

from django.db import models


class ArtifactEntry(models.Model):
    """One artifact directory ``artifacts/<type>/<name>``."""

    type = models.CharField(max_length=16)
    name = models.CharField(max_length=100)
    # Stat token of versions.json and the version directories: unchanged token, no re-read.
    token = models.CharField(max_length=64, default="")
    created_at = models.FloatField(null=True)
    updated_at = models.FloatField(null=True)
    aliases = models.JSONField(default=dict)
    num_versions = models.IntegerField(default=0)  # live (not soft-deleted) versions
    num_deleted = models.IntegerField(default=0)
    latest_version = models.IntegerField(null=True)
    size_bytes = models.BigIntegerField(default=0)  # all stored versions together

    class Meta:
        constraints = [models.UniqueConstraint(fields=["type", "name"], name="artifact_type_name")]
        ordering = ["type", "name"]
        verbose_name = "artifact"

    def __str__(self) -> str:
        return f"{self.type}/{self.name}"


class ArtifactVersion(models.Model):
    """One version directory ``artifacts/<type>/<name>/v<N>``."""

    artifact = models.ForeignKey(ArtifactEntry, on_delete=models.CASCADE, related_name="versions")
    type = models.CharField(max_length=16)
    name = models.CharField(max_length=100)
    version = models.IntegerField()
    token = models.CharField(max_length=64, default="")
    created_at = models.FloatField(null=True)
    created_by_run = models.CharField(max_length=64, blank=True, default="")
    size_bytes = models.BigIntegerField(default=0)  # files + reference size hints, as the reference counts
    file_bytes = models.BigIntegerField(default=0)  # the files stored locally (what dedup applies to)
    num_files = models.IntegerField(default=0)
    num_references = models.IntegerField(default=0)
    status = models.CharField(max_length=16, default="ready")
    deleted = models.BooleanField(default=False)
    deleted_at = models.FloatField(null=True)
    aliases = models.JSONField(default=list)
    description = models.TextField(blank=True, default="")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["type", "name", "version"], name="artifact_version_unique")]
        indexes = [models.Index(fields=["deleted"], name="artifact_version_deleted")]
        ordering = ["type", "name", "-version"]
        verbose_name = "artifact version"

    def __str__(self) -> str:
        return f"{self.name}:v{self.version} ({self.type})"


class StatsSnapshot(models.Model):
    """The last result of the stats scan, one row per storage root."""

    root = models.TextField(unique=True)
    data = models.JSONField(default=dict)
    computed_at = models.FloatField()
    # Pool shard name → [directory mtime_ns, objects, bytes]: unchanged shards are not listed again.
    pool_state = models.JSONField(default=dict)
    # When a refresh was last queued, so a burst of requests queues one task, not many.
    refresh_queued_at = models.FloatField(null=True)

    def __str__(self) -> str:
        return f"artifact stats of {self.root}"


class ArtifactIndexState(models.Model):
    """A single row: which storage root the artifact index rows describe."""

    root = models.TextField(default="")
    synced_at = models.FloatField(null=True)

    def __str__(self) -> str:
        return f"artifact index of {self.root}"
