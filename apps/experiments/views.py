"""V2 experiments API: list with filters and a query language, detail, batch delete, analytics."""

from __future__ import annotations

import time
from datetime import UTC, datetime

from django.http import HttpResponse
from rest_framework.request import Request
from rest_framework.views import APIView
from runicorn import layout

from apps.runs.responses import cached_list, json_response

from . import analytics, listing, services
from . import columns as custom_columns
from .models import KEY_MAX_LENGTH
from .params import InvalidParam, parse_list_query, parse_text
from .qcompile import CompileError


def _invalid(exc: InvalidParam) -> HttpResponse:
    body: dict[str, object] = {"detail": str(exc), "param": exc.param}
    if exc.position is not None:
        body["position"] = exc.position
        body["expected"] = exc.expected
    return json_response(body, status=400)


class ExperimentListView(APIView):
    """List experiments from the index, filtered, sorted and paginated.

    Filters (all optional, combined with AND): ``project``, ``name`` (exact); ``status`` (comma
    list of running, finished, failed, interrupted); ``tags`` (comma list, every tag must be on
    the run); ``search`` (words, each must start a word of the project, name, description or a
    tag; case-insensitive); ``created_after`` / ``created_before`` (Unix time or ISO 8601,
    inclusive); ``best_metric_min`` / ``best_metric_max`` (inclusive); ``include_deleted``
    (default false); ``q`` (the query language below). Paging: ``page`` (from 1), ``per_page``
    (1-1000, default 50). Sorting: ``order_by`` = created_at | updated_at | best_metric_value |
    status, ``order_desc`` (default true); runs without a value for the sort key come last.
    ``updated_at`` is the newest modification time of the run's files as last indexed.

    Query language ``q``::

        project = "vision" and status in ("finished", "failed")
          and summary.accuracy > 0.9 and config.lr <= 0.01 and tags contains "baseline"

    - ``and``, ``or``, ``not`` and parentheses; ``and`` binds tighter than ``or``.
    - Comparisons ``= != < <= > >=`` (also ``==``, ``<>``); ``field in (v1, v2, ...)``,
      ``field not in (...)``; ``field contains v``; ``field exists``.
    - Values: "double" or 'single' quoted strings (backslash escapes), numbers, true, false.
    - Fields: id, project, name, status, description, hostname, exit_reason, tags,
      best_metric_name, best_metric_mode, best_metric_value, best_metric_step, created_at,
      updated_at, started_at, ended_at, deleted_at, deleted; and ``summary.<key>`` /
      ``config.<key>`` into the run's summary and config (dots go into nested objects; quote a
      key with other characters: ``summary."val/acc"``).
    - A number compares only with numbers, a string only with strings (= and != only), true/false
      only with booleans; a run without the key, or with a value of another type, never matches
      a comparison (``not`` gives the complement). Times also take ISO 8601 dates.
    - ``contains``: tags holding the string; a case-insensitive substring of a text field or of a
      string in summary/config; a list in summary/config holding the value.
    - A syntax error answers 400 with ``position`` (0-based character offset) and ``expected``.
    """

    def get(self, request: Request) -> HttpResponse:
        try:
            query = parse_list_query(request.query_params)
            return json_response(listing.list_experiments(query))
        except InvalidParam as exc:
            return _invalid(exc)
        except CompileError as exc:
            return _invalid(InvalidParam("q", str(exc), exc.position, "a field, operator and value that fit together"))


class ExperimentColumnsView(APIView):
    """The keys a custom column of the experiments table can show (the table's column picker)."""

    def get(self, request: Request) -> HttpResponse:
        try:
            project = parse_text(request.query_params, "project", layout.MAX_SEGMENT_LENGTH)
            prefix = parse_text(request.query_params, "prefix", KEY_MAX_LENGTH) or ""
        except InvalidParam as exc:
            return _invalid(exc)
        return json_response(custom_columns.available(project, prefix))


class ExperimentDetailView(APIView):
    def get(self, request: Request, exp_id: str) -> HttpResponse:
        detail = services.get_experiment(exp_id)
        if detail is None:
            # An id that is not a run id is not echoed back.
            message = f"Experiment {exp_id} not found" if layout.is_valid_run_id(exp_id) else "Experiment not found"
            return json_response({"detail": message}, status=404)
        return json_response(detail)


class BatchDeleteView(APIView):
    def post(self, request: Request) -> HttpResponse:
        try:
            exp_ids, reason = services.check_batch_delete(request.data)
        except services.InvalidRequest as exc:
            return json_response({"detail": str(exc)}, status=400)
        return json_response(services.batch_delete(exp_ids, reason))


class AnalyticsSummaryView(APIView):
    def get(self, request: Request) -> HttpResponse:
        raw = request.query_params.get("days", "")
        try:
            days = int(raw) if raw.strip() else analytics.DAYS_DEFAULT
        except ValueError:
            days = 0
        if not 1 <= days <= analytics.DAYS_MAX:
            detail = f"days: must be an integer between 1 and {analytics.DAYS_MAX}, got {raw!r}"
            return json_response({"detail": detail, "param": "days"}, status=400)
        # Per day, too: "runs per day" moves on at midnight (UTC) even when no run changed.
        today = datetime.fromtimestamp(time.time(), UTC).date().isoformat()
        return cached_list(request, f"v2-analytics-{days}-{today}", lambda: analytics.summary(days))
