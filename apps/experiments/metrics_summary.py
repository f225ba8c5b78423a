"""``metrics_summary`` of the V2 experiment detail: data points, metric names, step range.

Read from apps.metrics' per-run column cache, the same table the metrics endpoints serve: parsed
once, then only the bytes appended since are read; a replaced or truncated file is read again.
As in the reference, a data point is a row by ``global_step`` (events at one step merge).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from apps.metrics.cache import RunMetrics, get_cache

# Numeric columns that are bookkeeping, not metrics.
_NOT_METRICS = frozenset({"time"})


def empty() -> dict[str, Any]:
    return {"total_data_points": 0, "available_metrics": [], "step_range": None, "metric_stats": {}}


def _stats(column: np.ndarray) -> dict[str, Any] | None:
    present = column[~np.isnan(column)]
    if not present.size:
        return None
    return {"last": float(present[-1]), "min": float(present.min()), "max": float(present.max()),
            "count": int(present.size)}


def _summary(entry: RunMetrics) -> dict[str, Any]:
    table = entry.table
    if not table.n:
        return empty()
    names = sorted(name for name in table.numeric if name not in _NOT_METRICS)
    stats = {name: _stats(table.numeric[name][: table.n]) for name in names}
    return {
        "total_data_points": int(table.n),
        "available_metrics": names,
        # Rows are kept sorted by step.
        "step_range": {"min": int(table.step[0]), "max": int(table.step[table.n - 1])},
        # Each metric's last, smallest and largest value (the run page's summary tab).
        "metric_stats": {name: value for name, value in stats.items() if value is not None},
    }


def summarize(path: Path) -> dict[str, Any]:
    """The summary of ``path`` (an events.jsonl); zeros when it is missing or holds no metric rows."""
    # count=False: the cache's hit/miss figures describe the metrics endpoints' requests.
    return get_cache().use(path, _summary, count=False)


def _last(entry: RunMetrics, names: list[str]) -> dict[str, float | None]:
    table = entry.table
    out: dict[str, float | None] = {}
    for name in names:
        column = table.numeric.get(name)
        if column is None or not table.n:
            out[name] = None
            continue
        present = column[: table.n][~np.isnan(column[: table.n])]
        out[name] = float(present[-1]) if present.size else None
    return out


def last_values(path: Path, names: list[str]) -> dict[str, float | None]:
    """The last logged value of each metric in ``names`` (None where it was never logged)."""
    if not names:
        return {}
    return get_cache().use(path, lambda entry: _last(entry, names), count=False)
