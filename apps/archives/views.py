from __future__ import annotations

import time

from django.http import HttpResponse, StreamingHttpResponse
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.views import APIView

from apps.runs.responses import json_response

from . import services
from .services import ArchiveError


def _error(exc: ArchiveError) -> HttpResponse:
    return json_response({"detail": exc.detail}, status=exc.status)


class ExportView(APIView):
    def post(self, request: Request) -> HttpResponse:
        data = request.data if isinstance(request.data, dict) else {}
        try:
            run_ids = services.check_export_ids(data.get("run_ids"))
            stream = services.export_stream(run_ids)
        except ArchiveError as exc:
            return _error(exc)
        response = StreamingHttpResponse(stream, content_type="application/zip")
        name = f"runicorn-runs-{time.strftime('%Y%m%d-%H%M%S')}.zip"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response


class ImportPreviewView(APIView):
    parser_classes = [MultiPartParser]

    def post(self, request: Request) -> HttpResponse:
        upload = request.FILES.get("file")
        if upload is None:
            return json_response({"detail": "file is required: the archive, as multipart/form-data field 'file'"},
                                 status=400)
        mode = request.data.get("mode") or "merge"
        project = request.data.get("project") or None
        try:
            return json_response(services.preview_upload(upload.chunks(), upload.size, mode, project))
        except ArchiveError as exc:
            return _error(exc)


class ImportArchiveView(APIView):
    def post(self, request: Request) -> HttpResponse:
        data = request.data if isinstance(request.data, dict) else {}
        try:
            return json_response(services.import_spooled(data.get("token"), data.get("mode"), data.get("project")))
        except ArchiveError as exc:
            return _error(exc)
