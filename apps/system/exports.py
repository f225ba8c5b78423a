"""Exports of one run: its metrics as CSV, streamed, and the events reader both exports share.

``events.jsonl`` can hold millions of lines, so nothing here loads the file: lines are parsed one
at a time with orjson. CSV needs its header (every metric name) before the first row, hence two
passes: the first collects the names and notes how many bytes it read, the second writes rows from
exactly those bytes — a run still being written cannot add a column the header lacks.
"""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson
from runicorn import layout

from apps.common.paths import contained
from apps.runs.lookup import get_run
from apps.runs.models import Run

# Keys of a metrics event that are not metrics (the step, the time and the stage of the row).
STEP_KEYS = ("global_step", "step")
NON_METRIC_KEYS = frozenset({*STEP_KEYS, "time", "stage"})
CSV_FIXED_COLUMNS = ["step", "time", "stage"]
_CSV_NATIVE = frozenset({int, float, str, type(None)})
_NUMBER = (int, float)
CHUNK_BYTES = 256 * 1024  # bytes of CSV gathered before each yield: few, large writes


@dataclass(frozen=True)
class FoundRun:
    row: Run
    dir: Path


def find_run(run_id: str) -> FoundRun:
    """An indexed, not deleted run and its directory; ``NotFound`` otherwise."""
    return FoundRun(*get_run(run_id))


def _loads(line: bytes) -> Any:
    try:
        return orjson.loads(line)
    except orjson.JSONDecodeError:
        # The reference SDK writes NaN/Infinity (Python's json.dumps), which orjson refuses.
        return json.loads(line)


def iter_metric_events(path: Path, end: int | None = None) -> Iterator[tuple[dict[str, Any], float | None]]:
    """``(data, ts)`` of each metrics event in the first ``end`` bytes (all when None), in order.

    Lines that are not JSON objects (a half-written last line, a foreign line) and events of other
    types (images, ...) are skipped, as the viewer skips them everywhere.
    """
    try:
        handle = open(contained(path.parent, path.name), "rb")  # noqa: SIM115 - closed below, also on early stop
    except FileNotFoundError:
        return
    with handle:
        consumed = 0
        for raw in handle:
            consumed += len(raw)
            if end is not None and consumed > end:
                raw = raw[: len(raw) - (consumed - end)]  # this line was still being written at ``end``
                if not raw:
                    return
            try:
                event = orjson.loads(raw)
            except orjson.JSONDecodeError:
                try:
                    event = _loads(raw)
                except (ValueError, UnicodeDecodeError):
                    continue
            if type(event) is dict and event.get("type") == "metrics":
                data = event.get("data")
                if type(data) is dict:
                    ts = event.get("ts")
                    yield data, ts if type(ts) in _NUMBER else None
            if end is not None and consumed >= end:
                return


@dataclass
class MetricColumns:
    names: list[str] = field(default_factory=list)  # metric names, sorted
    end: int = 0  # bytes of events.jsonl they were collected from


def metric_columns(path: Path) -> MetricColumns:
    names: set[str] = set()
    try:
        end = path.stat().st_size
    except FileNotFoundError:
        return MetricColumns()
    for data, _ts in iter_metric_events(path, end):
        names.update(data.keys())
    return MetricColumns(sorted(names - NON_METRIC_KEYS), end)


def step_of(data: dict[str, Any]) -> Any:
    for key in STEP_KEYS:
        if key in data:
            return data[key]
    return None


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value) if math.isfinite(value) else str(value)  # nan, inf, -inf as pandas reads them
    if isinstance(value, int | str):
        return value
    return orjson.dumps(value).decode()  # lists and objects as JSON text in one cell


def csv_chunks(path: Path) -> Iterator[bytes]:
    """The CSV export of ``events.jsonl``: ``step,time,stage,<metrics...>``, one row per event."""
    columns = metric_columns(path)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_FIXED_COLUMNS + columns.names)
    for data, ts in iter_metric_events(path, columns.end):
        row = [step_of(data), data.get("time", ts), data.get("stage"), *map(data.get, columns.names)]
        # The csv module already writes what most rows hold as we want it (None as "", floats
        # shortest-exact, nan/inf as pandas reads them); only the rare others need _cell.
        if not _CSV_NATIVE.issuperset(map(type, row)):
            row = [_cell(value) for value in row]
        writer.writerow(row)
        if buffer.tell() >= CHUNK_BYTES:
            yield buffer.getvalue().encode()
            buffer.seek(0)
            buffer.truncate()
    if buffer.tell():
        yield buffer.getvalue().encode()


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
        environment = _loads(raw)
    except (ValueError, UnicodeDecodeError):
        return {"available": False, "reason": "environment.json is not valid JSON"}
    if not isinstance(environment, dict):
        return {"available": False, "reason": "environment.json does not hold a JSON object"}
    return {"available": True, "environment": environment}
