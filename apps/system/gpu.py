"""GPU telemetry read through NVML (``pynvml``), the library nvidia-smi itself is built on.

NVML is initialised once per process and kept open: initialising costs tens of milliseconds
with a real driver, and the telemetry stream samples every second. When the driver goes away
under us (an upgrade, a reset, a container restart) NVML answers "Uninitialized" or "Driver Not
Loaded"; the session is then dropped and opened again, so the viewer recovers by itself instead
of reporting a dead GPU until it is restarted.

Every call goes through the ``pynvml`` module attribute (never ``from pynvml import ...``) so
that tests can fake the hardware at exactly this boundary.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar

from runicorn import records

try:
    import pynvml
except ImportError:  # the package is pinned in requirements/base.txt; guard a hand-made install
    pynvml = None  # type: ignore[assignment]

log = logging.getLogger(__name__)

T = TypeVar("T")
MIB = 1024 * 1024

# Errors that mean "the NVML session is unusable", not "this GPU lacks this sensor".
_SESSION_ERRORS = frozenset(
    code
    for code in (
        getattr(pynvml, "NVML_ERROR_UNINITIALIZED", None),
        getattr(pynvml, "NVML_ERROR_DRIVER_NOT_LOADED", None),
        getattr(pynvml, "NVML_ERROR_LIB_RM_VERSION_MISMATCH", None),
        getattr(pynvml, "NVML_ERROR_LIBRARY_NOT_FOUND", None),
    )
    if code is not None
)


class NvmlUnavailable(Exception):
    """NVML cannot be used at all; the message says why in words."""


class _Session:
    """The process-wide NVML session: opened on first use, reopened after a driver hiccup."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._open = False

    def ensure_open(self) -> None:
        if pynvml is None:
            raise NvmlUnavailable("nvidia-ml-py (pynvml) is not installed")
        with self._lock:
            if self._open:
                return
            try:
                pynvml.nvmlInit()
            except pynvml.NVMLError as exc:
                raise NvmlUnavailable(f"NVML: {exc}") from None
            except OSError as exc:  # a broken libnvidia-ml.so that the loader rejects
                raise NvmlUnavailable(f"NVML library could not be loaded: {exc}") from None
            self._open = True

    def drop(self) -> None:
        """Forget the session so the next call initialises NVML again."""
        with self._lock:
            if not self._open:
                return
            self._open = False
            try:
                pynvml.nvmlShutdown()
            except pynvml.NVMLError:
                pass  # already gone with the driver; nothing to release

    @property
    def is_open(self) -> bool:
        return self._open


session = _Session()


def _is_session_error(exc: BaseException) -> bool:
    return pynvml is not None and isinstance(exc, pynvml.NVMLError) and exc.value in _SESSION_ERRORS


def _optional(call: Callable[[], T]) -> T | None:
    """A sensor reading, or None where this GPU does not report it (what nvidia-smi prints as N/A).

    Session-level errors are not swallowed: they must reach the retry in ``read_telemetry``.
    """
    try:
        return call()
    except pynvml.NVMLError as exc:
        if exc.value in _SESSION_ERRORS:
            raise
        return None


def _text(value: Any) -> str:
    return value.decode(errors="replace") if isinstance(value, bytes) else str(value)


def _temperature(handle: Any) -> float | None:
    gpu_sensor = pynvml.NVML_TEMPERATURE_GPU
    value = _optional(lambda: pynvml.nvmlDeviceGetTemperature(handle, gpu_sensor))
    return float(value) if value is not None else None


def _pstate(handle: Any) -> str | None:
    value = _optional(lambda: pynvml.nvmlDeviceGetPerformanceState(handle))
    if value is None or value == pynvml.NVML_PSTATE_UNKNOWN:
        return None
    return f"P{value}"  # the form nvidia-smi prints, which the reference returned


def _watts(milliwatts: int | None) -> float | None:
    return round(milliwatts / 1000.0, 2) if milliwatts is not None else None


def _processes(handle: Any) -> list[dict[str, Any]]:
    """Compute and graphics processes on one GPU, merged by pid (a process may be both)."""
    by_pid: dict[int, dict[str, Any]] = {}
    for kind, getter in (
        ("compute", pynvml.nvmlDeviceGetComputeRunningProcesses),
        ("graphics", pynvml.nvmlDeviceGetGraphicsRunningProcesses),
    ):
        for proc in _optional(lambda getter=getter: getter(handle)) or []:
            pid = int(proc.pid)
            used = proc.usedGpuMemory  # None where the driver cannot tell (WDDM, some vGPUs)
            entry = by_pid.setdefault(pid, {"pid": pid, "used_memory_mib": None, "types": [], "run_id": None})
            if used is not None:
                entry["used_memory_mib"] = max(entry["used_memory_mib"] or 0.0, round(used / MIB, 1))
            entry["types"].append(kind)
    return sorted(by_pid.values(), key=lambda p: p["pid"])


def _device(index: int) -> dict[str, Any]:
    handle = pynvml.nvmlDeviceGetHandleByIndex(index)
    util = _optional(lambda: pynvml.nvmlDeviceGetUtilizationRates(handle))
    memory = _optional(lambda: pynvml.nvmlDeviceGetMemoryInfo(handle))
    total = round(memory.total / MIB, 1) if memory is not None else None
    used = round(memory.used / MIB, 1) if memory is not None else None
    used_pct = None
    if total and used is not None:
        used_pct = round(max(0.0, min(100.0, used * 100.0 / max(1.0, total))), 2)
    name = _optional(lambda: pynvml.nvmlDeviceGetName(handle))
    return {
        "index": index,
        "name": _text(name) if name is not None else None,
        "util_gpu": float(util.gpu) if util is not None else None,
        "util_mem": float(util.memory) if util is not None else None,
        "mem_total_mib": total,
        "mem_used_mib": used,
        "mem_used_pct": used_pct,
        "temp_c": _temperature(handle),
        "power_w": _watts(_optional(lambda: pynvml.nvmlDeviceGetPowerUsage(handle))),
        "power_limit_w": _watts(_optional(lambda: pynvml.nvmlDeviceGetEnforcedPowerLimit(handle))),
        "clock_sm_mhz": _float(_optional(lambda: pynvml.nvmlDeviceGetClockInfo(handle, pynvml.NVML_CLOCK_SM))),
        "clock_mem_mhz": _float(_optional(lambda: pynvml.nvmlDeviceGetClockInfo(handle, pynvml.NVML_CLOCK_MEM))),
        "pstate": _pstate(handle),
        "fan_speed_pct": _float(_optional(lambda: pynvml.nvmlDeviceGetFanSpeed(handle))),
        "processes": _processes(handle),
    }


def _float(value: float | int | None) -> float | None:
    return float(value) if value is not None else None


def _read_devices() -> list[dict[str, Any]]:
    gpus = []
    for index in range(pynvml.nvmlDeviceGetCount()):
        try:
            gpus.append(_device(index))
        except pynvml.NVMLError as exc:
            if exc.value in _SESSION_ERRORS:
                raise
            # One lost or unreadable GPU must not hide the others.
            gpus.append({"index": index, "name": None, "error": f"NVML: {exc}", "processes": []})
    return gpus


def _attach_run_ids(gpus: list[dict[str, Any]]) -> None:
    """Name the run behind each GPU process: one query for all GPUs, this host's running runs only."""
    pids = {proc["pid"] for gpu in gpus for proc in gpu["processes"]}
    if not pids:
        return
    from apps.runs.models import Run  # the telemetry reader stays importable without Django set up

    owners = dict(
        Run.objects.filter(status="running", deleted=False, hostname=records.this_host(), pid__in=pids).values_list(
            "pid", "run_id"
        )
    )
    for gpu in gpus:
        for proc in gpu["processes"]:
            proc["run_id"] = owners.get(proc["pid"])


def read_telemetry() -> dict[str, Any]:
    """One telemetry sample in the reference's shape, or ``{"available": False, "reason": ...}``."""
    for attempt in (1, 2):
        try:
            session.ensure_open()
            gpus = _read_devices()
        except NvmlUnavailable as exc:
            return {"available": False, "reason": str(exc)}
        except Exception as exc:
            if not _is_session_error(exc):
                if pynvml is not None and isinstance(exc, pynvml.NVMLError):
                    return {"available": False, "reason": f"NVML: {exc}"}
                raise
            # The driver went away under the open session: reopen once, then give up for this sample.
            log.warning("NVML session lost (%s); reinitialising", exc)
            session.drop()
            if attempt == 2:
                return {"available": False, "reason": f"NVML: {exc}"}
            continue
        _attach_run_ids(gpus)
        return {"available": True, "ts": time.time(), "gpus": gpus}
    raise AssertionError("unreachable")
