"""API tokens in the admin: create one for any user (shown once), revoke by deleting."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.exceptions import ValidationError
from django.http import HttpRequest

from . import lockout, tokens
from .models import ApiToken


class LockoutAwareLoginForm(AdminAuthenticationForm):
    """The admin's login form, telling a locked-out account when to try again (apps.accounts.lockout)."""

    def clean(self) -> dict[str, Any]:
        try:
            return super().clean()
        except ValidationError:
            wait = lockout.locked_for(self.cleaned_data.get("username") or "")
            if wait:
                raise ValidationError(lockout.retry_message(wait), code="locked") from None
            raise


admin.site.login_form = LockoutAwareLoginForm


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("name", "user", "shown_prefix", "created_at", "last_used_at", "expires_at")
    list_filter = ("user",)
    search_fields = ("name", "user__username", "prefix")
    readonly_fields = ("shown_prefix", "created_at", "last_used_at")
    fields = ("user", "name", "expires_at", "shown_prefix", "created_at", "last_used_at")
    actions = ["delete_selected"]

    @admin.display(description="prefix")
    def shown_prefix(self, obj: ApiToken) -> str:
        return f"{tokens.SCHEME}_{obj.prefix}" if obj.prefix else "(assigned when saved)"

    def get_readonly_fields(self, request: HttpRequest, obj: ApiToken | None = None) -> Any:
        # A token's owner never changes: a new owner needs a new token.
        return (*self.readonly_fields, "user") if obj is not None else self.readonly_fields

    def save_model(self, request: HttpRequest, obj: ApiToken, form: Any, change: bool) -> None:
        token = None if change else tokens.fill_new(obj)
        super().save_model(request, obj, form, change)
        if token is not None:
            self.message_user(
                request,
                f"API token for {obj.user}: {token} — copy it now; it is stored hashed and never shown again.",
                messages.WARNING,
            )
