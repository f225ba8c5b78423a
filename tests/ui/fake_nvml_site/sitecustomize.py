"""Two fake GPUs for a viewer started by the monitor's browser test (this machine has none).

Python imports ``sitecustomize`` at start-up from PYTHONPATH; the test puts this folder there only
for its own viewer and sets ``RUNICORN_TEST_FAKE_NVML``. The hardware is faked at the pynvml
boundary, exactly as ``tests/system/fake_nvml.py`` does in-process; everything above it (the
session, field mapping, run lookup by pid, the WebSocket stream, the page) is the real code.
Readings drift with the clock so the charts have a shape.
"""

from __future__ import annotations

import json
import math
import os
import time
from types import SimpleNamespace

_SPEC = os.environ.get("RUNICORN_TEST_FAKE_NVML")

if _SPEC:
    import pynvml

    from tests.system.fake_nvml import GIB, FakeGpu, FakeNvml

    _spec = json.loads(_SPEC)

    class _DriftingNvml(FakeNvml):
        def nvmlDeviceGetUtilizationRates(self, handle: int) -> SimpleNamespace:
            card = self._gpu(handle)
            wave = math.sin(time.time() / 4 + handle)
            return SimpleNamespace(gpu=max(0, min(100, round(card.util_gpu + 10 * wave))), memory=card.util_mem)

        def nvmlDeviceGetTemperature(self, handle: int, sensor: int) -> int:
            return round(self._gpu(handle).temp_c + 3 * math.sin(time.time() / 7 + handle))

        def nvmlDeviceGetPowerUsage(self, handle: int) -> int:
            return round(self._gpu(handle).power_mw * (1 + 0.1 * math.sin(time.time() / 3 + handle)))

    _fake = _DriftingNvml(
        [
            FakeGpu(compute=[(int(_spec["training_pid"]), 3 * GIB)]),
            FakeGpu(name="NVIDIA GeForce RTX 4090", util_gpu=12, util_mem=3, mem_total=24 * GIB, mem_used=9 * GIB,
                    temp_c=45, power_mw=60_000, power_limit_mw=450_000, fan_pct=35, pstate=2,
                    compute=[(4_999_999, None)]),
        ]
    )
    for _name in dir(_fake):
        if _name.startswith("nvml"):
            setattr(pynvml, _name, getattr(_fake, _name))
