"""``rn.init(monitor_system=True)``: system/* metrics in events.jsonl, the user's steps untouched.

CPU and memory are read from this machine for real; GPUs are faked at the pynvml boundary (a
fake module in ``sys.modules``), everything above it is the SDK's own code.
"""

from __future__ import annotations

import os
import sys
import threading
import time
import types
from pathlib import Path
from typing import Any

import pynvml
import pytest
import runicorn as rn
from runicorn import monitor

from tests.fixtures.live_server import wait_until
from tests.system.fake_nvml import GIB, FakeGpu, FakeNvml

from .conftest import read_events

INTERVAL = 0.1
MACHINE_KEYS = {"system/cpu_pct", "system/mem_used_pct", "system/mem_used_mib", "system/proc_rss_mib",
                "system/proc_cpu_pct"}


class UuidNvml(FakeNvml):
    """The fake NVML plus lookups by UUID, as CUDA_VISIBLE_DEVICES=GPU-... needs them."""

    def nvmlDeviceGetHandleByUUID(self, uuid: str) -> int:
        self._require_init()
        for index in range(len(self.gpus)):
            if uuid == f"GPU-fake-{index}":
                return index
        raise pynvml.NVMLError(pynvml.NVML_ERROR_NOT_FOUND)

    def nvmlDeviceGetIndex(self, handle: int) -> int:
        self._gpu(handle)
        return handle


def install_fake_nvml(monkeypatch: pytest.MonkeyPatch, nvml: FakeNvml) -> None:
    module = types.ModuleType("pynvml")
    for name in dir(pynvml):  # NVMLError and the constants are the real ones
        if name.startswith("NVML"):
            setattr(module, name, getattr(pynvml, name))
    for name in dir(nvml):
        if name.startswith("nvml"):
            setattr(module, name, getattr(nvml, name))
    monkeypatch.setitem(sys.modules, "pynvml", module)


@pytest.fixture(autouse=True)
def _all_gpus_visible(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CUDA_VISIBLE_DEVICES", raising=False)


def system_events(run: rn.Run) -> list[dict[str, Any]]:
    run.flush()
    if not (run.run_dir / "events.jsonl").exists():  # created by the first write
        return []
    return [e for e in read_events(run.run_dir)
            if e["type"] == "metrics" and any(k.startswith("system/") for k in e["data"])]


def wait_for_samples(run: rn.Run, count: int) -> list[dict[str, Any]]:
    wait_until(lambda: len(system_events(run)) >= count, timeout=10, interval=0.05)
    return system_events(run)


def monitor_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name.startswith("runicorn-monitor-")]


def test_samples_land_in_events_as_system_metrics(root: Path) -> None:
    started = time.monotonic()
    run = rn.init(storage=root, monitor_system=True, monitor_interval=INTERVAL)

    wait_for_samples(run, 3)
    run.finish()
    elapsed = time.monotonic() - started
    samples = system_events(run)

    for event in samples:
        data = event["data"]
        assert MACHINE_KEYS <= set(data), data
        assert 0 <= data["system/cpu_pct"] <= 100 and 0 < data["system/mem_used_pct"] < 100
        assert data["system/mem_used_mib"] > 0 and data["system/proc_rss_mib"] > 1
        assert 0 <= data["system/proc_cpu_pct"] <= 100 * (os.cpu_count() or 1) + 1
        assert data["time"] == event["ts"] and "stage" not in data
    times = [e["ts"] for e in samples]
    # One sample per interval at most (a slow machine gives fewer, never a burst).
    assert times == sorted(times) and len(samples) <= elapsed / INTERVAL + 1
    # This process's RSS matches what the kernel says (within what the test itself allocates).
    rss_now = int(next(line for line in Path("/proc/self/status").read_text().splitlines()
                       if line.startswith("VmRSS")).split()[1]) / 1024
    assert abs(samples[-1]["data"]["system/proc_rss_mib"] - rss_now) < 50


def test_the_users_steps_are_exactly_what_they_logged(root: Path) -> None:
    run = rn.init(storage=root, monitor_system=True, monitor_interval=INTERVAL)
    for i in range(6):
        rn.log({"loss": 1.0 / (i + 1)})
        time.sleep(INTERVAL * 0.6)
    rn.log({"loss": 0.01}, step=100)
    wait_for_samples(run, 4)
    rn.log({"loss": 0.001})
    run.finish()

    events = [e for e in read_events(run.run_dir) if e["type"] == "metrics"]
    user = [e["data"]["global_step"] for e in events if "loss" in e["data"]]
    assert user == [1, 2, 3, 4, 5, 6, 100, 101]
    # Each sample carries the step of the user's last log() before it (0 before the first), or
    # of the next one when the sample was taken while that log() call was between taking its
    # step and queueing its event.
    system_seen = 0
    for position, event in enumerate(events):
        if "loss" in event["data"]:
            continue
        before = [e["data"]["global_step"] for e in events[:position] if "loss" in e["data"]]
        after = [e["data"]["global_step"] for e in events[position:] if "loss" in e["data"]]
        assert event["data"]["global_step"] in {before[-1] if before else 0, after[0] if after else None}
        assert set(event["data"]) - {"global_step", "time"} <= MACHINE_KEYS
        system_seen += 1
    assert system_seen >= 4 and run.global_step == 101


def test_off_by_default(root: Path) -> None:
    run = rn.init(storage=root)
    rn.log({"loss": 1.0})
    time.sleep(INTERVAL * 3)
    assert monitor_threads() == []
    run.finish()
    assert system_events(run) == []


def test_finish_stops_the_sampler(root: Path) -> None:
    run = rn.init(storage=root, monitor_system=True, monitor_interval=INTERVAL)
    wait_for_samples(run, 1)
    run.finish()

    assert monitor_threads() == []
    size = (run.run_dir / "events.jsonl").stat().st_size
    time.sleep(INTERVAL * 3)
    assert (run.run_dir / "events.jsonl").stat().st_size == size


@pytest.mark.parametrize("bad", [0, -1, 0.01, float("nan"), "often", None])
def test_a_bad_interval_is_refused_before_anything_is_written(root: Path, bad: Any) -> None:
    with pytest.raises(ValueError, match="monitor_interval"):
        rn.init(storage=root, monitor_system=True, monitor_interval=bad)
    assert not root.exists() or not any(root.rglob("meta.json"))


def test_gpus_are_read_through_nvml(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    nvml = UuidNvml([FakeGpu(), FakeGpu(util_gpu=5, util_mem=1, mem_used=60 * GIB, temp_c=40, power_mw=90_000)])
    install_fake_nvml(monkeypatch, nvml)

    run = rn.init(storage=root, monitor_system=True, monitor_interval=INTERVAL)
    data = wait_for_samples(run, 2)[-1]["data"]
    run.finish()

    assert data["system/gpu0_util"] == 87 and data["system/gpu0_mem_util"] == 41
    assert data["system/gpu0_mem_used_pct"] == 25.0 and data["system/gpu0_mem_used_mib"] == 20 * 1024
    assert data["system/gpu0_temp_c"] == 64 and data["system/gpu0_power_w"] == 312.5
    assert data["system/gpu1_util"] == 5 and data["system/gpu1_mem_used_pct"] == 75.0
    assert data["system/gpu1_power_w"] == 90.0
    assert MACHINE_KEYS <= set(data)
    assert (nvml.init_calls, nvml.shutdown_calls) == (1, 1)  # one session, closed at finish


@pytest.mark.parametrize(("visible", "expected"), [("1", {1}), ("GPU-fake-1,0", {0, 1}), ("", set()),
                                                   ("2,0", {0, 2}), ("5,0", set()), ("GPU-nope,0", {0})])
def test_only_the_cards_in_cuda_visible_devices(root: Path, monkeypatch: pytest.MonkeyPatch, visible: str,
                                                expected: set[int]) -> None:
    install_fake_nvml(monkeypatch, UuidNvml([FakeGpu(), FakeGpu(), FakeGpu()]))
    monkeypatch.setenv("CUDA_VISIBLE_DEVICES", visible)

    run = rn.init(storage=root, monitor_system=True, monitor_interval=INTERVAL)
    data = wait_for_samples(run, 1)[-1]["data"]
    run.finish()

    cards = {int(key.split("_")[0][len("system/gpu"):]) for key in data if key.startswith("system/gpu")}
    assert cards == expected


def test_a_lost_gpu_leaves_out_its_readings_only(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    nvml = UuidNvml([FakeGpu(), FakeGpu(fan_pct=None)])
    install_fake_nvml(monkeypatch, nvml)
    run = rn.init(storage=root, monitor_system=True, monitor_interval=INTERVAL)
    wait_for_samples(run, 1)
    nvml.gpus[0].lost = True
    count = len(system_events(run))
    data = wait_for_samples(run, count + 2)[-1]["data"]
    run.finish()

    assert not any(key.startswith("system/gpu0_") for key in data)
    assert data["system/gpu1_util"] == 87 and MACHINE_KEYS <= set(data)


def test_no_driver_means_no_gpu_keys_and_the_rest_still_works(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    nvml = UuidNvml([FakeGpu()])
    nvml.init_error = pynvml.NVML_ERROR_DRIVER_NOT_LOADED
    install_fake_nvml(monkeypatch, nvml)
    run = rn.init(storage=root, monitor_system=True, monitor_interval=INTERVAL)
    data = wait_for_samples(run, 1)[-1]["data"]
    run.finish()

    assert set(data) - {"global_step", "time"} == MACHINE_KEYS


def test_without_pynvml_installed(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "pynvml", None)  # import pynvml -> ImportError
    run = rn.init(storage=root, monitor_system=True, monitor_interval=INTERVAL)
    data = wait_for_samples(run, 1)[-1]["data"]
    run.finish()

    assert set(data) - {"global_step", "time"} == MACHINE_KEYS


def test_psutil_and_proc_agree() -> None:
    psutil = pytest.importorskip("psutil", reason="psutil is in requirements/dev.txt; run make setup")
    proc, other = monitor.ProcSource(), monitor.PsutilSource(psutil)
    time.sleep(0.2)
    a: dict[str, float] = {}
    b: dict[str, float] = {}
    proc.read(a)
    other.read(b)

    assert set(a) == set(b) == {"cpu_pct", "mem_used_pct", "mem_used_mib", "proc_rss_mib"}
    assert abs(a["mem_used_pct"] - b["mem_used_pct"]) < 5
    assert abs(a["proc_rss_mib"] - b["proc_rss_mib"]) < 20
    assert 0 <= a["cpu_pct"] <= 100 and 0 <= b["cpu_pct"] <= 100
