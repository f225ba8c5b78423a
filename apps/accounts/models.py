"""API tokens: what the SDK, the Python client and scripts send as ``Authorization: Bearer <token>``.

A token reads ``rnc_<prefix>_<secret>``. Only its public ``prefix`` (to find the row) and the
SHA-256 of the whole token are stored; the token itself is shown once, when it is created, and
cannot be recovered from the database.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class ApiToken(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100, help_text="What the token is for, e.g. 'training cluster'")
    prefix = models.CharField(max_length=16, unique=True, editable=False)
    digest = models.CharField(max_length=64, editable=False)  # sha256 hex of the whole token
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)
    expires_at = models.DateTimeField(null=True, blank=True, help_text="Empty: never expires")

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "API token"

    def __str__(self) -> str:
        return f"{self.name} (rnc_{self.prefix}_…)"


class UserSetting(models.Model):
    """One user's value of a setting (team profile), e.g. their saved SSH connections (secrets in it
    are encrypted by apps.config before they get here)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="runicorn_settings")
    key = models.CharField(max_length=100)
    value = models.JSONField()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="user_setting_unique")]

    def __str__(self) -> str:
        return f"{self.user}: {self.key}"
