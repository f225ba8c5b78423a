"""Validation, run lookup and the work behind each metrics endpoint, callable without HTTP."""

from __future__ import annotations

import re
import secrets
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson
from runicorn import layout

from apps.runs.lookup import get_run
from apps.system.errors import NotFound

from .cache import RunMetrics, get_cache
from .payloads import fast_body, metrics_body
from .table import MetricTable

DOWNSAMPLE_MIN = 100
DOWNSAMPLE_MAX = 50_000
FAST_DOWNSAMPLE_MIN = 3  # the V2 route has always accepted small targets
_BOOT = secrets.token_hex(4)
# At most 18 digits: within int64 (numpy's step columns), and far from int()'s digit limit.
_INT_RE = re.compile(r"^[+-]?\d{1,18}$")


class InvalidQuery(ValueError):
    """A query parameter that cannot be used; the message is the API's ``detail``."""


# ---------------------------------------------------------------------------- input


def parse_downsample(raw: str | None, minimum: int = DOWNSAMPLE_MIN) -> int | None:
    if raw is None:
        return None
    value = raw.strip()
    if not _INT_RE.match(value) or not minimum <= int(value) <= DOWNSAMPLE_MAX:
        raise InvalidQuery(f"downsample must be an integer between {minimum} and {DOWNSAMPLE_MAX}, got {raw[:40]!r}")
    return int(value)


def parse_step_range(raw: str | None) -> tuple[int | None, int | None] | None:
    """``"min:max"``, either side optional (``"100:"``, ``":500"``)."""
    if raw is None:
        return None
    low_raw, sep, high_raw = raw.partition(":")
    if not sep or ":" in high_raw:
        raise InvalidQuery(f"step_range {raw[:60]!r} must have the form 'min:max', e.g. '100:500' or '100:'")
    bounds: list[int | None] = []
    for side, text in (("min", low_raw.strip()), ("max", high_raw.strip())):
        if text and not _INT_RE.match(text):
            raise InvalidQuery(
                f"step_range {side} {text[:40]!r} is not an integer; use 'min:max', e.g. '100:500' or '100:'"
            )
        bounds.append(int(text) if text else None)
    low, high = bounds
    if low is not None and high is not None and low > high:
        raise InvalidQuery(f"step_range min {low} is greater than max {high}")
    return low, high


def parse_flag(raw: str | None, name: str) -> bool:
    if raw is None:
        return False
    value = raw.strip().lower()
    if value not in ("1", "true", "0", "false"):
        raise InvalidQuery(f"{name} must be true or false (or 1 or 0), got {raw[:40]!r}")
    return value in ("1", "true")


def parse_metric_names(raw: str | None) -> list[str] | None:
    if raw is None:
        return None
    names = [n.strip() for n in raw.split(",") if n.strip()]
    if not names:
        raise InvalidQuery("metric_names must name at least one metric (comma-separated)")
    return list(dict.fromkeys(names))


# ---------------------------------------------------------------------------- lookup


def events_path(run_id: str) -> Path | None:
    """``events.jsonl`` of a run in the index (not deleted); None for an unknown or invalid id."""
    try:
        _, run_dir = get_run(run_id)
    except NotFound:
        return None
    return run_dir / layout.EVENTS_FILE


# ---------------------------------------------------------------------------- answers


@dataclass(frozen=True)
class Answer:
    body: bytes
    headers: dict[str, str]


def metrics_answer(path: Path, by: str, downsample: int | None) -> Answer:
    """The serialised ``metrics`` / ``metrics_step`` answer, built once per table version."""

    def work(entry: RunMetrics) -> Answer:
        return entry.cached((by, downsample), lambda: _build(entry, by, downsample))

    return get_cache().use(path, work)


def _build(entry: RunMetrics, by: str, downsample: int | None) -> tuple[Answer, int]:
    body = metrics_body(entry.table, by, downsample)
    rows = body["rows"]
    generation, version = entry.token
    headers = {
        # Names this table version in this process (generations restart with the process, hence
        # the boot id): a client may revalidate with it, and compressed bodies are cached by it.
        "ETag": f'"metrics-{_BOOT}-{generation}-{version}-{by}-{downsample or 0}"',
        "X-Row-Count": str(len(rows)),
        "X-Total-Count": str(body["total"]),
        "X-Skipped-Lines": str(entry.table.skipped),
    }
    if rows:
        headers["X-Last-Step"] = str(rows[-1].get("global_step", 0))
    data = orjson.dumps(body)
    return Answer(data, headers), len(data)


def fast_answer(
    path: Path,
    names: list[str] | None,
    step_range: tuple[int | None, int | None] | None,
    downsample: int | None,
    preview: bool = False,
) -> dict[str, Any]:
    """The ``metrics/fast`` body. With ``preview``, while the run's table is not ready (a large
    file never parsed, or being parsed), the answer comes from a sample of the file's lines and
    says ``"preview": true``: the client draws it and asks again without ``preview``, and that
    request parses the file (or waits for the parse under way)."""
    started = time.perf_counter()
    low, high = step_range if step_range is not None else (None, None)
    sample = get_cache().preview(path) if preview else None
    if sample is not None:
        with sample.lock:
            # A rare metric may be missing from a sample: not an error until the exact answer.
            body = fast_body(sample.table, names, low, high, downsample)
    else:

        def work(entry: RunMetrics) -> dict[str, Any]:
            _check_names(entry.table, names)
            return fast_body(entry.table, names, low, high, downsample)

        body = get_cache().use(path, work)
    body["query_time_ms"] = round((time.perf_counter() - started) * 1000, 2)
    body["total_points"] = len(body["rows"])
    body["applied_filters"] = {
        "metrics": names,
        "step_range": list(step_range) if step_range is not None else None,
        "downsampled": downsample is not None,
    }
    if preview:
        body["preview"] = sample is not None
    return body


def _check_names(table: MetricTable, names: list[str] | None) -> None:
    if names is None:
        return
    # Dict lookups, not a set of every column: a run may have 10,000 metrics.
    unknown = [n for n in names if n == "global_step" or (n not in table.numeric and n not in table.strings)]
    if unknown:
        known = set(table.columns) - {"global_step"}
        raise InvalidQuery(
            f"Unknown metric name(s): {', '.join(unknown)}; this run has: {', '.join(sorted(known)) or 'none'}"
        )


def cache_stats() -> dict[str, Any]:
    return get_cache().stats()


def health_cache() -> dict[str, Any]:
    """The ``cache`` object of ``GET /api/health`` (the reference's keys, hit rate as a percentage)."""
    stats = get_cache().stats()
    return {
        "enabled": True,
        "type": "incremental",
        "hit_rate": f"{stats['hit_rate']:.1%}",
        "hits": stats["hits"],
        "misses": stats["misses"],
        "incremental_updates": stats["incremental_updates"],
        "size": stats["size"],
        "max_size": stats["max_size"],
    }
