"""Health of the viewer, GPU telemetry, the host monitor, and exports of a run (CSV, Markdown report, environment)."""

from __future__ import annotations

from django.http import HttpResponse
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.request import Request
from rest_framework.views import APIView

from apps.runs.responses import json_response
from apps.runs.storage import get_storage_root

from . import schemas
from .errors import BadRequest
from .exports import csv_chunks, find_run, read_environment
from .gpu import read_telemetry
from .health import health
from .host import host_sample
from .report import markdown_report
from .streaming import streaming_response


class HealthView(APIView):
    @schemas.health
    def get(self, request: Request) -> HttpResponse:
        return json_response(health(request.user))


class GpuTelemetryView(APIView):
    @schemas.gpu_telemetry
    def get(self, request: Request) -> HttpResponse:
        return json_response(read_telemetry())


class SystemMonitorView(APIView):
    @schemas.system_monitor
    def get(self, request: Request) -> HttpResponse:
        return json_response(host_sample(get_storage_root()))


def _attachment(response: HttpResponse, filename: str) -> HttpResponse:
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


class AnyAccept(BaseContentNegotiation):
    """Files are answered as what they are; an ``Accept: text/csv`` must not turn into a 406."""

    def select_parser(self, request, parsers):  # type: ignore[no-untyped-def]
        return parsers[0] if parsers else None

    def select_renderer(self, request, renderers, format_suffix=None):  # type: ignore[no-untyped-def]
        return renderers[0], renderers[0].media_type


class ExportCsvView(APIView):
    content_negotiation_class = AnyAccept

    @schemas.export_csv
    def get(self, request: Request, run_id: str) -> HttpResponse:
        found = find_run(run_id)
        response = streaming_response(request, csv_chunks(found.events), "text/csv; charset=utf-8")
        return _attachment(response, f"{run_id}_metrics.csv")


class ExportReportView(APIView):
    content_negotiation_class = AnyAccept

    @schemas.export_report
    def get(self, request: Request, run_id: str) -> HttpResponse:
        report_format = request.query_params.get("format", "markdown")
        if report_format not in ("markdown", "md"):
            raise BadRequest("Format must be markdown")
        found = find_run(run_id)
        response = HttpResponse(markdown_report(found), content_type="text/markdown; charset=utf-8")
        return _attachment(response, f"{run_id}_report.md")


class EnvironmentView(APIView):
    @schemas.environment
    def get(self, request: Request, run_id: str) -> HttpResponse:
        return json_response(read_environment(find_run(run_id).dir))
