"""Django admin: a read-only view of the run index, and the recycle bin (restore, delete for good).

The index mirrors the disk, so nothing here edits rows directly: the recycle bin's actions go
through ``services`` (which write the disk first and then refresh the rows), and the plain run
list is read-only — a row changed or deleted by hand would be put back by the next reconcile.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.timesince import timesince

from . import services
from .models import DeletedRun, Run


def _when(timestamp: float | None) -> str:
    """``2026-11-27 11:04:34 (3 hours ago)`` for a POSIX timestamp, in the server's time zone."""
    if timestamp is None:
        return "-"
    moment = timezone.localtime(datetime.fromtimestamp(timestamp, tz=UTC))
    return f"{date_format(moment, 'Y-m-d H:i:s')} ({timesince(moment)} ago)"


class _IndexAdmin(admin.ModelAdmin):
    """Shared by both views of the index: never add rows, never edit them in a form."""

    list_per_page = 100
    show_full_result_count = False  # a second COUNT(*) over 100,000 rows buys nothing here

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Without an object Django asks whether actions may run; with one, whether the form is
        # editable. Actions yes (they go through services), forms never.
        return obj is None and super().has_change_permission(request)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [f.name for f in self.model._meta.concrete_fields]


@admin.register(Run)
class RunAdmin(_IndexAdmin):
    list_display = ("project", "name", "run_id", "status", "created", "hostname", "deleted")
    list_filter = ("status", "deleted")
    search_fields = ("project", "name", "run_id")
    ordering = ("-created_at",)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # soft delete through the API or the recycle bin, so the disk follows

    @admin.display(description="created", ordering="created_at")
    def created(self, run: Run) -> str:
        return _when(run.created_at)


@admin.register(DeletedRun)
class DeletedRunAdmin(_IndexAdmin):
    list_display = ("project", "name", "run_id", "deleted_when", "delete_reason", "original_status")
    list_filter = ("project",)
    search_fields = ("project", "name", "run_id")
    ordering = ("-deleted_at",)
    actions = ("restore_runs", "delete_permanently")

    def get_queryset(self, request: HttpRequest) -> QuerySet[DeletedRun]:
        return super().get_queryset(request).filter(deleted=True)

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        actions = super().get_actions(request)
        # Django's own bulk delete would drop index rows and leave the directories on disk.
        actions.pop("delete_selected", None)
        return actions

    @admin.display(description="deleted at", ordering="deleted_at")
    def deleted_when(self, run: DeletedRun) -> str:
        return _when(run.deleted_at)

    @admin.action(description="Restore selected runs", permissions=["change"])
    def restore_runs(self, request: HttpRequest, queryset: QuerySet[DeletedRun]) -> None:
        results = services.restore(list(queryset.values_list("run_id", flat=True)))
        done = [run_id for run_id, r in results.items() if r["success"]]
        if done:
            self.message_user(request, f"Restored {len(done)} run(s).", messages.SUCCESS)
        for run_id, result in results.items():
            if not result["success"]:
                self.message_user(request, f"{run_id}: {result['error']}", messages.WARNING)

    @admin.action(description="Delete selected runs permanently", permissions=["delete"])
    def delete_permanently(self, request: HttpRequest, queryset: QuerySet[DeletedRun]) -> HttpResponse | None:
        runs = list(queryset.order_by("project", "name", "run_id"))
        if request.POST.get("post") != "yes":
            # Like Django's own bulk delete: a second page that names what goes, then a POST.
            context = {
                **self.admin_site.each_context(request),
                "title": "Delete runs permanently?",
                "opts": self.model._meta,
                "runs": runs,
                "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
                "action_name": "delete_permanently",
            }
            return TemplateResponse(request, "admin/runs/deletedrun/delete_permanently.html", context)
        count = services.empty_recycle_bin(run_ids=[run.run_id for run in runs])
        self.message_user(request, f"Permanently deleted {count} run(s).", messages.SUCCESS)
        if count < len(runs):
            self.message_user(
                request,
                f"{len(runs) - count} run(s) could not be deleted; see the viewer's log.",
                messages.WARNING,
            )
        return None

    def delete_model(self, request: HttpRequest, obj: DeletedRun) -> None:
        services.empty_recycle_bin(run_ids=[obj.run_id])

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[DeletedRun]) -> None:
        services.empty_recycle_bin(run_ids=list(queryset.values_list("run_id", flat=True)))
