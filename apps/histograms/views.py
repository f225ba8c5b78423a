from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from apps.runs.lookup import get_run
from apps.runs.responses import json_response
from apps.system.errors import NotFound

from . import services


@require_GET
def run_histograms(request: HttpRequest, run_id: str) -> HttpResponse:
    try:
        max_steps = services.parse_max_steps(request.GET.get("max_steps"))
    except services.InvalidQuery as exc:
        return json_response({"detail": str(exc)}, status=400)
    try:
        _, run_dir = get_run(run_id)
    except NotFound as exc:
        return json_response({"detail": exc.detail}, status=404)
    key = request.GET.get("key") or None
    return json_response({"run_id": run_id, "histograms": services.run_histograms(run_dir, key, max_steps)})
