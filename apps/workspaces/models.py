"""One saved layout per (user, project, page); the user is empty in the embedded profile."""

from __future__ import annotations

from django.conf import settings
from django.db import models

PAGES = ("run", "compare")


class Workspace(models.Model):
    # NULL in the embedded profile, where one person uses the viewer.
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.CASCADE, related_name="+")
    project = models.CharField(max_length=100)
    page = models.CharField(max_length=16, choices=[(p, p) for p in PAGES])
    layout = models.JSONField(default=dict)
    updated_at = models.FloatField()

    class Meta:
        constraints = [
            # NULLs are distinct in a plain unique constraint, so the embedded profile gets its own.
            models.UniqueConstraint(fields=["owner", "project", "page"], name="workspace_owner_project_page",
                                    condition=models.Q(owner__isnull=False)),
            models.UniqueConstraint(fields=["project", "page"], name="workspace_shared_project_page",
                                    condition=models.Q(owner__isnull=True)),
        ]

    def __str__(self) -> str:
        return f"{self.page} layout of {self.project} ({self.owner_id or 'shared'})"
