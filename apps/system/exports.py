"""Exports of one run: its metrics as CSV (streamed), their statistics, and its environment.

The table and the events reader come from ``runicorn.metrics_export``, which the CLI's
``runicorn export-data`` uses too, so the API and the command write the same file.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from runicorn import layout
from runicorn.metrics_export import NON_METRIC_KEYS, csv_chunks, iter_metric_events, loads, step_of

from apps.common.paths import NotContained, contained
from apps.runs.lookup import get_run
from apps.runs.models import Run

__all__ = ["FoundRun", "csv_chunks", "find_run", "metric_stats", "read_environment"]


@dataclass(frozen=True)
class FoundRun:
    row: Run
    dir: Path

    @property
    def events(self) -> Path:
        """The run's events.jsonl, resolved inside the run; a link out of it reads as an empty file."""
        try:
            return contained(self.dir, layout.EVENTS_FILE)
        except NotContained:
            return Path(os.devnull)  # the SDK's readers take a path: this one holds no lines


def find_run(run_id: str) -> FoundRun:
    """An indexed, not deleted run and its directory; ``NotFound`` otherwise."""
    return FoundRun(*get_run(run_id))


@dataclass
class MetricStats:
    last: Any = None
    last_step: Any = None
    minimum: float | None = None
    maximum: float | None = None
    count: int = 0


def metric_stats(path: Path) -> dict[str, MetricStats]:
    """Per metric: final value (and its step), min, max and count of numeric values, in one pass."""
    stats: dict[str, MetricStats] = {}
    for data, _ts in iter_metric_events(path):
        step = step_of(data)
        for key, value in data.items():
            if key in NON_METRIC_KEYS:
                continue
            entry = stats.setdefault(key, MetricStats())
            entry.last, entry.last_step = value, step
            if isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value):
                entry.count += 1
                entry.minimum = value if entry.minimum is None else min(entry.minimum, value)
                entry.maximum = value if entry.maximum is None else max(entry.maximum, value)
    return dict(sorted(stats.items()))


def read_environment(run_dir: Path) -> dict[str, Any]:
    """The answer of ``GET /api/environment/{run_id}``, in the reference's shape."""
    try:
        raw = contained(run_dir, layout.ENVIRONMENT_FILE).read_bytes()
    except FileNotFoundError:
        return {"available": False}
    except OSError as exc:
        return {"available": False, "reason": f"environment.json could not be read: {exc.strerror}"}
    try:
        environment = loads(raw)
    except (ValueError, UnicodeDecodeError):
        return {"available": False, "reason": "environment.json is not valid JSON"}
    if not isinstance(environment, dict):
        return {"available": False, "reason": "environment.json does not hold a JSON object"}
    return {"available": True, "environment": environment}
