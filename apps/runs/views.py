"""V1 runs, recycle bin and projects endpoints (the reference's paths, fields and errors)."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from rest_framework.request import Request
from rest_framework.views import APIView
from runicorn import layout

from apps.system.errors import BadRequest, NotFound

from . import indexer, presenters, projects, services
from .models import Run
from .ordering import in_reference_order
from .responses import cached_list, json_response
from .storage import get_storage_root


def _body(request: Request) -> dict[str, Any]:
    data = request.data
    if not isinstance(data, dict):
        raise BadRequest("Request body must be a JSON object")
    return data


def _segment(value: str, what: str) -> str:
    error = layout.segment_error(value, what)
    if error:
        raise BadRequest(f"Invalid {what}: {error}")
    return value


def _run_ids(request: Request, noun: str) -> list[str]:
    try:
        return services.check_run_ids(_body(request).get("run_ids"), noun=noun)
    except services.InvalidRequest as exc:
        raise BadRequest(str(exc)) from None


def _live_runs():  # type: ignore[no-untyped-def]
    return in_reference_order(Run.objects.filter(deleted=False))


class RunListView(APIView):
    def get(self, request: Request) -> HttpResponse:
        return cached_list(
            request, "runs", lambda: presenters.list_items(_live_runs().values_list(*presenters.LIST_FIELDS))
        )


class RunDetailView(APIView):
    def get(self, request: Request, run_id: str) -> HttpResponse:
        if not layout.is_valid_run_id(run_id):
            raise NotFound("Run not found")
        run = Run.objects.filter(run_id=run_id, deleted=False).first()
        if run is None:
            raise NotFound("Run not found")
        return json_response(presenters.detail(run))


class SoftDeleteView(APIView):
    def post(self, request: Request) -> HttpResponse:
        run_ids = _run_ids(request, "delete")
        results = services.soft_delete(run_ids)
        done = sum(1 for r in results.values() if r["success"])
        return json_response(
            {"deleted_count": done, "results": results, "message": f"Soft deleted {done} of {len(run_ids)} runs"}
        )


class RecycleBinView(APIView):
    def get(self, request: Request) -> HttpResponse:
        rows = Run.objects.filter(deleted=True).order_by("-deleted_at").values_list(*presenters.DELETED_FIELDS)
        return json_response({"deleted_runs": [presenters.deleted_item(r) for r in rows]})


class RestoreView(APIView):
    def post(self, request: Request) -> HttpResponse:
        run_ids = _run_ids(request, "restore")
        results = services.restore(run_ids)
        done = sum(1 for r in results.values() if r["success"])
        return json_response(
            {"restored_count": done, "results": results, "message": f"Restored {done} of {len(run_ids)} runs"}
        )


class EmptyRecycleBinView(APIView):
    def post(self, request: Request) -> HttpResponse:
        if _body(request).get("confirm") is not True:
            raise BadRequest("Must set confirm=true to permanently delete")
        count = services.empty_recycle_bin()
        return json_response({"permanently_deleted": count, "message": f"Permanently deleted {count} runs"})


class ProjectListView(APIView):
    def get(self, request: Request) -> HttpResponse:
        return cached_list(
            request,
            "projects",
            lambda: {"projects": projects.live_projects()},
        )


class NameListView(APIView):
    def get(self, request: Request, project: str) -> HttpResponse:
        _segment(project, "project")
        names = _live_runs().filter(project=project).order_by("name").values_list("name", flat=True).distinct()
        return json_response({"names": list(names)})


class NameRunListView(APIView):
    def get(self, request: Request, project: str, name: str) -> HttpResponse:
        _segment(project, "project")
        _segment(name, "name")
        rows = _live_runs().filter(project=project, name=name).values_list(*presenters.LIST_FIELDS)
        return json_response(presenters.list_items(rows))


class StatusCheckView(APIView):
    """``POST /api/status/check``: runs indexed as running whose process is gone become failed, now."""

    def post(self, request: Request) -> HttpResponse:
        stats = indexer.reap_orphans(get_storage_root())
        return json_response({"checked": stats.scanned, "updated": stats.orphaned,
                              "message": f"Checked {stats.scanned} running experiments, "
                                         f"updated {stats.orphaned} statuses"})
