"""Django admin for artifacts: the index rows (re-synced from disk before every list) and the
housekeeping actions. Rows are never edited by hand: every action changes the disk through
``services`` and re-syncs, as a hand-edited row would be overwritten by the next sync anyway.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.defaultfilters import filesizeformat
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.views.decorators.http import require_POST
from runicorn.artifacts import ArtifactNotFound
from runicorn.layout import InvalidName

from apps.runs.storage import get_storage_root

from . import services
from .indexing import sync_artifact_index
from .models import ArtifactEntry, ArtifactVersion


def _when(timestamp: float | None) -> str:
    if not timestamp:
        return "-"
    return date_format(timezone.localtime(datetime.fromtimestamp(timestamp, tz=UTC)), "Y-m-d H:i:s")


class _SyncedAdmin(admin.ModelAdmin):
    """Read-only rows, synced from disk when listed; a "collect garbage" button on the list."""

    list_per_page = 100
    change_list_template = "admin/artifacts/change_list.html"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return obj is None and super().has_change_permission(request)  # actions yes, forms never

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return obj is None and super().has_delete_permission(request)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [f.name for f in self.model._meta.concrete_fields]

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # would drop rows and leave the files
        return actions

    def changelist_view(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        sync_artifact_index(get_storage_root())
        return super().changelist_view(request, extra_context)

    def get_urls(self) -> list[URLPattern]:
        opts = self.model._meta
        gc = self.admin_site.admin_view(require_POST(self.collect_garbage_view))
        name = f"{opts.app_label}_{opts.model_name}_collect_garbage"
        return [path("collect-garbage/", gc, name=name), *super().get_urls()]

    def collect_garbage_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_delete_permission(request):
            raise PermissionDenied
        removed, freed = services.collect_garbage(get_storage_root())
        self.message_user(
            request, f"Garbage collection removed {removed} pool object(s), freeing {filesizeformat(freed)} "
                     f"({freed} bytes).", messages.SUCCESS,
        )
        opts = self.model._meta
        return HttpResponseRedirect(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))


@admin.register(ArtifactEntry)
class ArtifactEntryAdmin(_SyncedAdmin):
    list_display = ("name", "type", "num_versions", "num_deleted", "latest_version", "size", "alias_map", "updated")
    list_filter = ("type",)
    search_fields = ("name",)

    @admin.display(description="size (all versions)", ordering="size_bytes")
    def size(self, obj: ArtifactEntry) -> str:
        return filesizeformat(obj.size_bytes)

    @admin.display(description="aliases")
    def alias_map(self, obj: ArtifactEntry) -> str:
        return ", ".join(f"{a} → v{v}" for a, v in sorted(obj.aliases.items())) or "-"

    @admin.display(description="updated", ordering="updated_at")
    def updated(self, obj: ArtifactEntry) -> str:
        return _when(obj.updated_at)


class AliasActionForm(helpers.ActionForm):
    alias = forms.CharField(required=False, max_length=100, help_text="Alias for “Move alias to the selected version”.")


@admin.register(ArtifactVersion)
class ArtifactVersionAdmin(_SyncedAdmin):
    list_display = ("name", "version", "type", "size", "aliases_shown", "created_by_run", "created", "state")
    list_filter = ("type", "deleted")
    search_fields = ("name", "created_by_run")
    action_form = AliasActionForm
    actions = ("soft_delete_versions", "restore_versions", "delete_permanently", "move_alias")

    @admin.display(description="size", ordering="size_bytes")
    def size(self, obj: ArtifactVersion) -> str:
        return filesizeformat(obj.size_bytes)

    @admin.display(description="aliases")
    def aliases_shown(self, obj: ArtifactVersion) -> str:
        return ", ".join(obj.aliases) or "-"

    @admin.display(description="created", ordering="created_at")
    def created(self, obj: ArtifactVersion) -> str:
        return _when(obj.created_at)

    @admin.display(description="state", ordering="deleted")
    def state(self, obj: ArtifactVersion) -> str:
        return f"deleted {_when(obj.deleted_at)}" if obj.deleted else obj.status

    def _each(self, request: HttpRequest, queryset: QuerySet[ArtifactVersion], fn: Any, verb: str) -> None:
        root, done = get_storage_root(), 0
        for version in queryset.order_by("type", "name", "version"):
            try:
                if fn(root, version.type, version.name, version.version):
                    done += 1
            except (services.VersionInUse, ArtifactNotFound, InvalidName, ValueError, OSError) as exc:
                self.message_user(request, f"{version}: {exc}", messages.WARNING)
        self.message_user(request, f"{verb} {done} version(s).", messages.SUCCESS)

    @admin.action(description="Soft delete selected versions (hide, keep files)", permissions=["change"])
    def soft_delete_versions(self, request: HttpRequest, queryset: QuerySet[ArtifactVersion]) -> None:
        self._each(request, queryset, services.soft_delete, "Soft deleted")

    @admin.action(description="Restore selected versions", permissions=["change"])
    def restore_versions(self, request: HttpRequest, queryset: QuerySet[ArtifactVersion]) -> None:
        self._each(request, queryset, services.restore, "Restored")

    @admin.action(description="Delete selected versions permanently", permissions=["delete"])
    def delete_permanently(self, request: HttpRequest, queryset: QuerySet[ArtifactVersion]) -> HttpResponse | None:
        versions = list(queryset.order_by("type", "name", "version"))
        if request.POST.get("post") != "yes":
            context = {
                **self.admin_site.each_context(request),
                "title": "Delete artifact versions permanently?",
                "opts": self.model._meta,
                "versions": versions,
                "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
                "action_name": "delete_permanently",
            }
            return TemplateResponse(request, "admin/artifacts/delete_permanently.html", context)
        root, freed, done = get_storage_root(), 0, 0
        for version in versions:
            try:
                freed += services.delete_permanently(root, version.type, version.name, version.version)
                done += 1
            except (services.VersionInUse, ArtifactNotFound, InvalidName, OSError) as exc:
                self.message_user(request, f"{version}: {exc}", messages.WARNING)
        self.message_user(request, f"Permanently deleted {done} version(s), freeing {filesizeformat(freed)} "
                                   f"({freed} bytes) in the pool.", messages.SUCCESS)
        return None

    @admin.action(description="Move alias to the selected version", permissions=["change"])
    def move_alias(self, request: HttpRequest, queryset: QuerySet[ArtifactVersion]) -> None:
        alias = (request.POST.get("alias") or "").strip()
        if queryset.count() != 1 or not alias:
            self.message_user(request, "Select exactly one version and type the alias to move.", messages.ERROR)
            return
        version = queryset.get()
        try:
            services.move_alias(get_storage_root(), version.type, version.name, alias, version.version)
        except (ArtifactNotFound, InvalidName, ValueError) as exc:
            self.message_user(request, f"{version}: {exc}", messages.ERROR)
            return
        self.message_user(request, f"Alias {alias!r} now points at {version.name}:v{version.version}.",
                          messages.SUCCESS)
