"""The viewer's metric rows (``{"columns", "rows"}``) → one series of points per metric.

A row is one logged event: ``global_step``, ``time``, ``stage`` (when logged) and the metrics
that event carried. A metric's series holds ``{"step", "value", "time"}`` (plus ``"stage"``
when the row has one) for every row where the metric has a number, in the viewer's order.
"""

from __future__ import annotations

from typing import Any, Dict, Iterable, List, Optional

CONTEXT_KEYS = frozenset({"global_step", "step", "time", "stage"})

Point = Dict[str, Any]


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def rows_to_series(rows: Iterable[Dict[str, Any]], names: Optional[Iterable[str]] = None) -> Dict[str, List[Point]]:
    """``{metric: [point, ...]}`` for every numeric metric in ``rows`` (only ``names`` if given).

    Keys that are context (global_step, time, stage) or that hold text are not metrics. A metric
    named in ``names`` that has no points is present with an empty list.
    """
    wanted = None if names is None else list(dict.fromkeys(names))
    series: Dict[str, List[Point]] = {name: [] for name in wanted} if wanted is not None else {}
    for row in rows:
        step = row.get("global_step", row.get("step"))
        when = row.get("time")
        stage = row.get("stage")
        for key, value in row.items():
            if key in CONTEXT_KEYS or not _is_number(value):
                continue
            if wanted is not None and key not in series:
                continue
            point: Point = {"step": step, "value": value, "time": when}
            if stage is not None:
                point["stage"] = stage
            series.setdefault(key, []).append(point)
    return series


def series_to_rows(metrics: Dict[str, List[Point]]) -> List[Dict[str, Any]]:
    """The inverse for tables: one row per (step, time) with a column per metric, in step order."""
    merged: Dict[Any, Dict[str, Any]] = {}
    for name, points in metrics.items():
        for point in points:
            key = (point.get("step"), point.get("time"))
            row = merged.get(key)
            if row is None:
                row = merged[key] = {"step": point.get("step"), "time": point.get("time")}
                if "stage" in point:
                    row["stage"] = point["stage"]
            row[name] = point.get("value")
    return sorted(merged.values(), key=lambda r: (_sort_key(r.get("step")), _sort_key(r.get("time"))))


def _sort_key(value: Any) -> Any:
    return (0, value) if _is_number(value) else (1, 0)
