"""``GET /api/v2/analytics/summary``: counts by status and project, runs per day, best runs.

Aggregates over the index (soft-deleted runs left out). The view caches the body per index
generation, so these GROUP BY scans run once per change of the index, not once per request.
"""

from __future__ import annotations

import time
from collections import Counter, defaultdict
from datetime import UTC, datetime, timedelta
from typing import Any

from django.db.models import Count, Max, Min, Q
from runicorn import layout

from apps.runs.models import Run

DAYS_DEFAULT = 30
DAYS_MAX = 3660


def _live():  # type: ignore[no-untyped-def]
    return Run.objects.filter(deleted__in=[False]).order_by()


def _by_status_and_project() -> tuple[dict[str, int], list[dict[str, Any]]]:
    by_status: Counter[str] = Counter({s: 0 for s in layout.STATUSES})
    projects: dict[str, Counter[str]] = defaultdict(Counter)
    for project, status, n in _live().values_list("project", "status").annotate(n=Count("pk")):
        by_status[status] += n
        projects[project][status] += n
    by_project = [
        {"project": project, "total": sum(counts.values()), "by_status": dict(counts)}
        for project, counts in sorted(projects.items())
    ]
    return dict(by_status), by_project


def _runs_per_day(days: int, now: float) -> list[dict[str, Any]]:
    today = datetime.fromtimestamp(now, UTC).date()
    first = today - timedelta(days=days - 1)
    start = datetime(first.year, first.month, first.day, tzinfo=UTC).timestamp()
    per_day: Counter[str] = Counter()
    for created in _live().filter(created_at__gte=start).values_list("created_at", flat=True).iterator(2000):
        per_day[datetime.fromtimestamp(created, UTC).date().isoformat()] += 1
    dates = [(first + timedelta(days=i)).isoformat() for i in range(days)]
    return [{"date": date, "count": per_day.get(date, 0)} for date in dates]


def _best_by_project() -> list[dict[str, Any]]:
    """Per project: its primary metric (the best metric most of its runs report) and the best run by it."""
    groups = (
        _live()
        .filter(best_metric_value__isnull=False, best_metric_name__isnull=False)
        .values_list("project", "best_metric_name", "best_metric_mode")
        .annotate(n=Count("pk"), high=Max("best_metric_value"), low=Min("best_metric_value"))
    )
    candidates: dict[str, list[tuple[int, str, str, float]]] = defaultdict(list)
    for project, metric, mode, n, high, low in groups:
        mode = "min" if mode == "min" else "max"
        candidates[project].append((n, metric, mode, low if mode == "min" else high))
    # Most runs wins; a tie goes to the alphabetically first metric, so the answer is stable.
    primary = {p: min(c, key=lambda item: (-item[0], item[1], item[2])) for p, c in candidates.items()}
    if not primary:
        return []
    match = Q()
    for project, (_, metric, mode, best) in primary.items():
        mode_q = Q(best_metric_mode="min") if mode == "min" else ~Q(best_metric_mode="min") | Q(best_metric_mode=None)
        match |= Q(project=project, best_metric_name=metric, best_metric_value=best) & mode_q
    winners: dict[str, dict[str, Any]] = {}
    rows = _live().filter(match).order_by("created_at", "pk").values(
        "project", "run_id", "name", "status", "created_at", "best_metric_value", "best_metric_step"
    )
    for row in rows:
        winners.setdefault(row["project"], row)  # the earliest run to reach the best value
    result = []
    for project in sorted(primary):
        n, metric, mode, _ = primary[project]
        row = winners.get(project)
        if row is None:
            continue
        result.append({
            "project": project,
            "metric": metric,
            "mode": mode,
            "runs_with_metric": n,
            "best": {
                "id": row["run_id"], "name": row["name"], "status": row["status"], "created_at": row["created_at"],
                "best_metric_value": row["best_metric_value"], "best_metric_step": row["best_metric_step"],
            },
        })
    return result


def summary(days: int = DAYS_DEFAULT, now: float | None = None) -> dict[str, Any]:
    started = time.perf_counter()
    now = time.time() if now is None else now
    by_status, by_project = _by_status_and_project()
    return {
        "total": sum(by_status.values()),
        "by_status": by_status,
        "by_project": by_project,
        "runs_per_day": _runs_per_day(days, now),
        "best_by_project": _best_by_project(),
        "days": days,
        "generated_at": now,
        "query_time_ms": round((time.perf_counter() - started) * 1000, 2),
    }
