"""The host the viewer runs on: CPU per core, memory, the storage root's disk, load.

``GET /api/system/monitor`` answers with the reference's fields (``cpu``, ``memory``, ``disk``,
``platform``) from psutil. CPU percentages are over the time since the previous request (the
dashboard polls); the first request measures a short window of its own.
"""

from __future__ import annotations

import os
import platform
import threading
import time
from pathlib import Path
from typing import Any

import psutil

FIRST_WINDOW_S = 0.1
_lock = threading.Lock()
_Times = tuple[float, float]  # (busy, total) seconds since boot
_last: tuple[_Times, list[_Times]] | None = None


def _busy_total(times: Any) -> _Times:
    # Guest time is already counted in user/nice; waiting on I/O is idle, as psutil counts it.
    total = sum(times) - getattr(times, "guest", 0.0) - getattr(times, "guest_nice", 0.0)
    return total - times.idle - getattr(times, "iowait", 0.0), total


def _read_times() -> tuple[_Times, list[_Times]]:
    return _busy_total(psutil.cpu_times()), [_busy_total(t) for t in psutil.cpu_times(percpu=True)]


def _percent(before: _Times, now: _Times) -> float:
    busy, total = now[0] - before[0], now[1] - before[1]
    return round(min(100.0, max(0.0, 100.0 * busy / total)), 1) if total > 0 else 0.0


def _cpu_percents() -> tuple[float, list[float]]:
    # Our own baseline, shared by every request thread: psutil.cpu_percent() keeps one per thread,
    # so each new worker thread of the viewer would answer 0.0 on its first call.
    global _last
    with _lock:
        if _last is None:
            _last = _read_times()
            time.sleep(FIRST_WINDOW_S)
        before, _last = _last, _read_times()
    (whole_before, cores_before), (whole, cores) = before, _last
    return _percent(whole_before, whole), [_percent(b, n) for b, n in zip(cores_before, cores, strict=False)]


def _frequency() -> dict[str, float] | None:
    try:
        freq = psutil.cpu_freq()
    except (OSError, NotImplementedError, FileNotFoundError):
        return None
    return None if freq is None else {"current": freq.current, "min": freq.min, "max": freq.max}


def _load_avg() -> list[float] | None:
    try:
        return list(os.getloadavg())
    except (OSError, AttributeError):  # Windows has no load average
        return None


def _disk(path: Path) -> dict[str, Any]:
    usage = psutil.disk_usage(str(path))
    disk: dict[str, Any] = {"path": str(path), "total": usage.total, "used": usage.used, "free": usage.free,
                            "percent": usage.percent, "io": None}
    try:
        io = psutil.disk_io_counters()
    except (OSError, RuntimeError):
        io = None
    if io is not None:
        disk["io"] = {"read_bytes": io.read_bytes, "write_bytes": io.write_bytes, "read_count": io.read_count,
                      "write_count": io.write_count}
    return disk


def host_sample(storage_root: Path) -> dict[str, Any]:
    """One sample of the host; ``disk`` is the disk that holds ``storage_root`` (where runs go)."""
    percent, per_core = _cpu_percents()
    memory = psutil.virtual_memory()
    swap = psutil.swap_memory()
    return {
        "available": True,
        "ts": time.time(),
        "cpu": {
            "percent": percent,
            "count": psutil.cpu_count(logical=False) or psutil.cpu_count(),
            "logical_count": psutil.cpu_count(),
            "per_core": per_core,
            "frequency": _frequency(),
            "load_avg": _load_avg(),
        },
        "memory": {
            "total": memory.total, "available": memory.available, "used": memory.used, "percent": memory.percent,
            "swap_total": swap.total, "swap_used": swap.used, "swap_percent": swap.percent,
        },
        "disk": _disk(storage_root if storage_root.is_dir() else Path(storage_root.anchor or "/")),
        "platform": {"system": platform.system(), "release": platform.release(), "machine": platform.machine()},
    }
