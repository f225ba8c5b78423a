"""A fake NVML at the ``pynvml`` boundary: the GPUs a test needs, on a machine without any.

Only the pynvml functions are replaced; everything above them (our session handling, field
mapping, run lookup, streaming) is the real code.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

import pynvml
import pytest

GIB = 1024**3
MIB = 1024**2


@dataclass
class FakeGpu:
    name: str = "NVIDIA H100 80GB HBM3"
    util_gpu: int = 87
    util_mem: int = 41
    mem_total: int = 80 * GIB
    mem_used: int = 20 * GIB
    temp_c: int = 64
    power_mw: int = 312_500
    power_limit_mw: int = 700_000
    clock_sm: int = 1980
    clock_mem: int = 2619
    pstate: int = 0
    fan_pct: int | None = None  # None: a passively cooled card, NVML answers "Not Supported"
    compute: list[tuple[int, int | None]] = field(default_factory=list)  # (pid, used bytes)
    graphics: list[tuple[int, int | None]] = field(default_factory=list)
    lost: bool = False  # NVML answers "GPU is lost" for this card


class FakeNvml:
    def __init__(self, gpus: list[FakeGpu]) -> None:
        self.gpus = gpus
        self.init_calls = 0
        self.shutdown_calls = 0
        self.count_calls = 0
        self.init_error: int | None = None  # error code nvmlInit raises while set
        self.count_errors: list[int] = []  # error codes raised by the next nvmlDeviceGetCount calls
        self.initialised = False

    def _require_init(self) -> None:
        if not self.initialised:
            raise pynvml.NVMLError(pynvml.NVML_ERROR_UNINITIALIZED)

    def _gpu(self, handle: Any) -> FakeGpu:
        self._require_init()
        card = self.gpus[handle]
        if card.lost:
            raise pynvml.NVMLError(pynvml.NVML_ERROR_GPU_IS_LOST)
        return card

    # --- the pynvml functions --------------------------------------------------------------
    def nvmlInit(self) -> None:
        self.init_calls += 1
        if self.init_error is not None:
            raise pynvml.NVMLError(self.init_error)
        self.initialised = True

    def nvmlShutdown(self) -> None:
        self.shutdown_calls += 1
        self._require_init()
        self.initialised = False

    def nvmlDeviceGetCount(self) -> int:
        self.count_calls += 1
        if self.count_errors:
            self.initialised = False  # what a driver reload does to an open session
            raise pynvml.NVMLError(self.count_errors.pop(0))
        self._require_init()
        return len(self.gpus)

    def nvmlDeviceGetHandleByIndex(self, index: int) -> int:
        self._gpu(index)
        return index

    def nvmlDeviceGetName(self, handle: int) -> str:
        return self._gpu(handle).name

    def nvmlDeviceGetUtilizationRates(self, handle: int) -> SimpleNamespace:
        card = self._gpu(handle)
        return SimpleNamespace(gpu=card.util_gpu, memory=card.util_mem)

    def nvmlDeviceGetMemoryInfo(self, handle: int) -> SimpleNamespace:
        card = self._gpu(handle)
        return SimpleNamespace(total=card.mem_total, used=card.mem_used, free=card.mem_total - card.mem_used)

    def nvmlDeviceGetTemperature(self, handle: int, sensor: int) -> int:
        assert sensor == pynvml.NVML_TEMPERATURE_GPU
        return self._gpu(handle).temp_c

    def nvmlDeviceGetPowerUsage(self, handle: int) -> int:
        return self._gpu(handle).power_mw

    def nvmlDeviceGetEnforcedPowerLimit(self, handle: int) -> int:
        return self._gpu(handle).power_limit_mw

    def nvmlDeviceGetClockInfo(self, handle: int, clock: int) -> int:
        card = self._gpu(handle)
        return {pynvml.NVML_CLOCK_SM: card.clock_sm, pynvml.NVML_CLOCK_MEM: card.clock_mem}[clock]

    def nvmlDeviceGetPerformanceState(self, handle: int) -> int:
        return self._gpu(handle).pstate

    def nvmlDeviceGetFanSpeed(self, handle: int) -> int:
        card = self._gpu(handle)
        if card.fan_pct is None:
            raise pynvml.NVMLError(pynvml.NVML_ERROR_NOT_SUPPORTED)
        return card.fan_pct

    def nvmlDeviceGetComputeRunningProcesses(self, handle: int) -> list[SimpleNamespace]:
        return [SimpleNamespace(pid=p, usedGpuMemory=m) for p, m in self._gpu(handle).compute]

    def nvmlDeviceGetGraphicsRunningProcesses(self, handle: int) -> list[SimpleNamespace]:
        return [SimpleNamespace(pid=p, usedGpuMemory=m) for p, m in self._gpu(handle).graphics]

    def install(self, monkeypatch: pytest.MonkeyPatch) -> None:
        for name in dir(self):
            if name.startswith("nvml"):
                monkeypatch.setattr(pynvml, name, getattr(self, name))
