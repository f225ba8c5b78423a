"""``/api/workspaces/{page}?project=``: the saved layout of a page. Errors are ``{"detail": ...}``."""

from __future__ import annotations

from django.http import HttpResponse
from rest_framework.request import Request
from rest_framework.views import APIView

from apps.runs.responses import json_response
from apps.system.errors import BadRequest

from . import schemas, services


def _target(request: Request, page: str) -> tuple[str, str]:
    try:
        return services.check_page(page), services.check_project(request.query_params.get("project"))
    except services.InvalidWorkspace as exc:
        raise BadRequest(str(exc)) from None


class WorkspaceView(APIView):
    @schemas.get_workspace
    def get(self, request: Request, page: str) -> HttpResponse:
        return json_response(services.get_workspace(*_target(request, page)))

    @schemas.put_workspace
    def put(self, request: Request, page: str) -> HttpResponse:
        target = _target(request, page)
        try:
            value = services.check_layout(request.data)
        except services.InvalidWorkspace as exc:
            raise BadRequest(str(exc)) from None
        return json_response(services.save_workspace(*target, value))

    @schemas.delete_workspace
    def delete(self, request: Request, page: str) -> HttpResponse:
        return json_response(services.reset_workspace(*_target(request, page)))
