"""Health of the viewer itself, and GPU telemetry."""

from __future__ import annotations

import runicorn
from django.http import HttpResponse
from rest_framework.request import Request
from rest_framework.views import APIView

from apps.metrics.services import health_cache
from apps.runs.models import IndexState
from apps.runs.responses import json_response
from apps.runs.storage import get_storage_root
from apps.runs.watcher import get_watcher

from .gpu import read_telemetry


class HealthView(APIView):
    def get(self, request: Request) -> HttpResponse:
        state = IndexState.objects.filter(pk=1).first()
        watcher = get_watcher()
        return json_response(
            {
                "status": "ok",
                "storage": str(get_storage_root()),
                "version": runicorn.__version__,
                "index": {
                    "runs": state.runs_indexed if state else 0,
                    "generation": state.generation if state else 0,
                    "last_full_scan": state.last_full_scan if state else None,
                    "watcher_running": bool(watcher and watcher.is_alive()),
                },
                "cache": health_cache(),
            }
        )


class GpuTelemetryView(APIView):
    def get(self, request: Request) -> HttpResponse:
        return json_response(read_telemetry())
