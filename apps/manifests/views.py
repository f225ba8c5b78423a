"""POST /api/manifest/generate and GET /api/manifest/tasks/{task_id}."""

from __future__ import annotations

import uuid

from django.http import HttpResponse
from rest_framework.request import Request
from rest_framework.views import APIView

from apps.jobs.dispatch import QueueUnavailable, get_status, submit
from apps.runs.responses import json_response
from apps.runs.storage import get_storage_root
from apps.system.errors import BadRequest, NotFound

from .services import check_manifest_type
from .tasks import generate_manifest_task


def _parse_task_id(value: str) -> str:
    try:
        parsed = uuid.UUID(value)
    except ValueError:
        raise BadRequest(f"Invalid task id format: {value!r} (expected a UUID)") from None
    if str(parsed) != value.lower():
        raise BadRequest(f"Invalid task id format: {value!r} (expected a UUID)")
    return str(parsed)


class GenerateManifestView(APIView):
    def post(self, request: Request) -> HttpResponse:
        body = request.data if request.data is not None else {}
        if not isinstance(body, dict):
            raise BadRequest('Body must be a JSON object such as {"type": "full"}')
        manifest_type = body.get("type", "full")
        error = check_manifest_type(manifest_type)
        if error:
            raise BadRequest(error)
        try:
            task_id = submit(
                generate_manifest_task, kwargs={"manifest_type": manifest_type, "root": str(get_storage_root())}
            )
        except QueueUnavailable as exc:
            return json_response({"detail": f"Task queue unavailable: {exc}"}, status=503)
        return json_response(
            {
                "task_id": task_id,
                "state": "PENDING",
                "manifest_type": manifest_type,
                "status_url": f"/api/manifest/tasks/{task_id}",
            },
            status=202,
        )


class ManifestTaskView(APIView):
    def get(self, request: Request, task_id: str) -> HttpResponse:
        task_id = _parse_task_id(task_id)
        record = get_status(task_id)
        if record is None or record.get("name") != generate_manifest_task.name:
            raise NotFound(f"Task not found: {task_id}")
        return json_response(record)
