"""The host the viewer runs on: CPU per core, memory, the storage root's disk, load.

``GET /api/system/monitor`` answers with the reference's fields (``cpu``, ``memory``, ``disk``,
``platform``) from psutil. CPU percentages are over the time since the previous request (the
dashboard polls), so the first request measures a short window of its own instead of answering
the meaningless 0.0 psutil gives a first call.
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
_primed = False


def _cpu_percents() -> tuple[float, list[float]]:
    global _primed
    with _lock:
        if not _primed:
            psutil.cpu_percent(percpu=True)
            psutil.cpu_percent()
            time.sleep(FIRST_WINDOW_S)
            _primed = True
        return psutil.cpu_percent(), psutil.cpu_percent(percpu=True)


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
