"""A run's histograms (``histograms.jsonl``, format in :mod:`runicorn.histograms`) for the run page."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from runicorn import histograms, layout

from apps.common.paths import NotContained, contained

DEFAULT_MAX_STEPS = 200
MAX_MAX_STEPS = 1000
_FIELDS = ("step", "ts", "min", "max", "count", "sum", "edges", "counts")


class InvalidQuery(ValueError):
    pass


def parse_max_steps(raw: str | None) -> int:
    if raw is None or raw == "":
        return DEFAULT_MAX_STEPS
    try:
        value = int(raw)
    except ValueError:
        raise InvalidQuery(f"max_steps must be an integer between 1 and {MAX_MAX_STEPS}, got {raw!r}") from None
    if not 1 <= value <= MAX_MAX_STEPS:
        raise InvalidQuery(f"max_steps must be an integer between 1 and {MAX_MAX_STEPS}, got {raw!r}")
    return value


def thin(series: list[dict[str, Any]], limit: int) -> list[dict[str, Any]]:
    """At most ``limit`` entries, evenly spaced over the steps, first and last kept."""
    if len(series) <= limit:
        return series
    if limit == 1:
        return [series[-1]]
    last = len(series) - 1
    picks = sorted({round(i * last / (limit - 1)) for i in range(limit)})
    return [series[i] for i in picks]


def run_histograms(run_dir: Path, key: str | None, max_steps: int) -> list[dict[str, Any]]:
    """``[{"key", "total_steps", "entries": [...]}]`` by key, each entry one step's buckets."""
    try:
        # A histograms file that is a symlink out of the run is refused, like every file served.
        path = contained(run_dir, layout.HISTOGRAMS_FILE)
    except NotContained:
        return []
    by_key = histograms.read(path, key=key)
    out = []
    for name in sorted(by_key):
        series = by_key[name]
        entries = [{f: doc.get(f) for f in _FIELDS} for doc in thin(series, max_steps)]
        out.append({"key": name, "total_steps": len(series), "entries": entries})
    return out
