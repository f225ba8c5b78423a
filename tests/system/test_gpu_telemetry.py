"""GET /api/gpu/telemetry: NVML faked at the pynvml boundary (no GPU on this machine)."""

from __future__ import annotations

import os

import pynvml
import pytest
from runicorn import records

from apps.system import gpu
from tests.factories import make_run

from .fake_nvml import GIB, MIB, FakeGpu

# The per-GPU keys of the reference's answer (nvidia-smi based); ours must carry every one.
REFERENCE_GPU_KEYS = {
    "index", "name", "util_gpu", "util_mem", "mem_total_mib", "mem_used_mib", "mem_used_pct", "temp_c",
    "power_w", "power_limit_w", "clock_sm_mhz", "clock_mem_mhz", "pstate", "fan_speed_pct",
}


def test_it_reports_every_gpu_with_the_reference_fields(fake_nvml, api):
    fake_nvml(FakeGpu(), FakeGpu(name="NVIDIA GeForce RTX 4090", mem_total=24 * GIB, mem_used=6 * GIB, fan_pct=35,
                                 pstate=2, util_gpu=5, util_mem=1, power_mw=45_250, power_limit_mw=450_000))

    response = api.get("/api/gpu/telemetry")

    assert response.status_code == 200
    body = response.json()
    assert body["available"] is True
    assert isinstance(body["ts"], float)
    first, second = body["gpus"]
    assert REFERENCE_GPU_KEYS <= set(first)
    assert first == {
        "index": 0, "name": "NVIDIA H100 80GB HBM3", "util_gpu": 87.0, "util_mem": 41.0,
        "mem_total_mib": 81920.0, "mem_used_mib": 20480.0, "mem_used_pct": 25.0, "temp_c": 64.0,
        "power_w": 312.5, "power_limit_w": 700.0, "clock_sm_mhz": 1980.0, "clock_mem_mhz": 2619.0,
        "pstate": "P0", "fan_speed_pct": None, "processes": [],
    }
    assert second["index"] == 1
    assert second["name"] == "NVIDIA GeForce RTX 4090"
    assert second["fan_speed_pct"] == 35.0
    assert second["pstate"] == "P2"
    assert second["power_w"] == 45.25
    assert second["mem_used_pct"] == 25.0


def test_a_sensor_the_card_lacks_is_null_not_an_error(fake_nvml):
    fake_nvml(FakeGpu(fan_pct=None, pstate=pynvml.NVML_PSTATE_UNKNOWN))

    card = gpu.read_telemetry()["gpus"][0]

    assert card["fan_speed_pct"] is None
    assert card["pstate"] is None
    assert card["temp_c"] == 64.0


def test_one_lost_gpu_does_not_hide_the_others(fake_nvml):
    fake_nvml(FakeGpu(lost=True), FakeGpu(name="healthy"))

    body = gpu.read_telemetry()

    assert body["available"] is True
    lost, healthy = body["gpus"]
    assert lost["index"] == 0
    assert lost["error"] == "NVML: GPU is lost"
    assert healthy["name"] == "healthy"


def test_without_the_nvml_library_it_says_why(fake_nvml, api):
    fake = fake_nvml()
    fake.init_error = pynvml.NVML_ERROR_LIBRARY_NOT_FOUND

    response = api.get("/api/gpu/telemetry")

    assert response.status_code == 200
    assert response.json() == {"available": False, "reason": "NVML: NVML Shared Library Not Found"}


def test_without_a_driver_it_says_why(fake_nvml):
    fake = fake_nvml()
    fake.init_error = pynvml.NVML_ERROR_DRIVER_NOT_LOADED

    assert gpu.read_telemetry() == {"available": False, "reason": "NVML: Driver Not Loaded"}


def test_without_pynvml_installed_it_says_why(fresh_nvml_session, monkeypatch):
    monkeypatch.setattr(gpu, "pynvml", None)

    assert gpu.read_telemetry() == {"available": False, "reason": "nvidia-ml-py (pynvml) is not installed"}


def test_on_this_machine_it_answers_without_faking(fresh_nvml_session, api):
    # No fake: whatever this machine has (CI has no GPU), the answer is well formed, never a 500.
    body = api.get("/api/gpu/telemetry").json()

    if body["available"]:
        assert all(REFERENCE_GPU_KEYS <= set(card) for card in body["gpus"] if "error" not in card)
    else:
        assert body["reason"]


def test_nvml_is_initialised_once_across_samples(fake_nvml):
    fake = fake_nvml()

    for _ in range(5):
        assert gpu.read_telemetry()["available"] is True

    assert fake.init_calls == 1
    assert fake.count_calls == 5


def test_it_reinitialises_after_a_driver_hiccup(fake_nvml):
    fake = fake_nvml()
    assert gpu.read_telemetry()["available"] is True
    fake.count_errors = [pynvml.NVML_ERROR_UNINITIALIZED]  # the driver was reloaded under us

    body = gpu.read_telemetry()

    assert body["available"] is True
    assert body["gpus"][0]["name"] == "NVIDIA H100 80GB HBM3"
    assert fake.init_calls == 2


def test_it_recovers_when_the_driver_comes_back(fake_nvml):
    fake = fake_nvml()
    assert gpu.read_telemetry()["available"] is True
    fake.count_errors = [pynvml.NVML_ERROR_DRIVER_NOT_LOADED]
    fake.init_error = pynvml.NVML_ERROR_DRIVER_NOT_LOADED  # the driver stays away for a while

    assert gpu.read_telemetry() == {"available": False, "reason": "NVML: Driver Not Loaded"}
    assert gpu.read_telemetry() == {"available": False, "reason": "NVML: Driver Not Loaded"}

    fake.init_error = None
    assert gpu.read_telemetry()["available"] is True


def test_a_failing_call_other_than_the_session_is_reported_not_raised(fake_nvml):
    fake = fake_nvml()
    fake.count_errors = [pynvml.NVML_ERROR_NO_PERMISSION]

    assert gpu.read_telemetry() == {"available": False, "reason": "NVML: Insufficient Permissions"}


@pytest.mark.django_db
def test_gpu_processes_name_the_running_run_behind_them(fake_nvml, storage_root, reindex,
                                                        django_assert_num_queries):
    here = records.this_host()
    alive = os.getpid()  # a live pid, so the indexer keeps the run "running"
    ours = make_run(storage_root, "vision", "resnet", status="running", hostname=here, pid=alive).name
    # Same pid on another machine, and a finished run that once had the pid: neither is the owner.
    make_run(storage_root, "vision", "resnet", status="running", hostname="elsewhere", pid=alive)
    make_run(storage_root, "vision", "old", status="finished", hostname=here, pid=alive)
    reindex()
    fake_nvml(
        FakeGpu(compute=[(alive, 3 * GIB), (4_999_999, None)], graphics=[(alive, 512 * MIB)]),
        FakeGpu(compute=[(alive, GIB)]),
    )

    with django_assert_num_queries(1):  # one lookup for every GPU's processes
        body = gpu.read_telemetry()

    first, second = (card["processes"] for card in body["gpus"])
    assert first == [
        {"pid": alive, "used_memory_mib": 3072.0, "types": ["compute", "graphics"], "run_id": ours},
        {"pid": 4_999_999, "used_memory_mib": None, "types": ["compute"], "run_id": None},
    ]
    assert second == [{"pid": alive, "used_memory_mib": 1024.0, "types": ["compute"], "run_id": ours}]
