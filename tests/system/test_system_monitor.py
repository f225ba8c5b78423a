"""GET /api/system/monitor: the host's CPU, memory, disk and load, with the reference's field names."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
import time

import pytest

from apps.system import host

pytestmark = pytest.mark.django_db


def test_it_describes_the_host_with_the_reference_fields(api, storage_root):
    answer = api.get("/api/system/monitor")

    assert answer.status_code == 200
    body = answer.json()
    assert set(body) == {"available", "ts", "cpu", "memory", "disk", "platform"}
    assert body["available"] is True
    cpu = body["cpu"]
    assert set(cpu) == {"percent", "count", "logical_count", "per_core", "frequency", "load_avg"}
    assert len(cpu["per_core"]) == cpu["logical_count"] == os.cpu_count()
    assert all(0.0 <= p <= 100.0 for p in [cpu["percent"], *cpu["per_core"]])
    assert len(cpu["load_avg"]) == 3
    assert set(body["memory"]) == {"total", "available", "used", "percent", "swap_total", "swap_used",
                                   "swap_percent"}
    assert body["memory"]["total"] == os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    assert set(body["platform"]) == {"system", "release", "machine"}


def test_the_disk_is_the_one_that_holds_the_storage_root(api, storage_root):
    disk = api.get("/api/system/monitor").json()["disk"]

    usage = shutil.disk_usage(storage_root)
    assert disk["path"] == str(storage_root)
    assert disk["total"] == usage.total
    assert {"read_bytes", "write_bytes", "read_count", "write_count"} <= set(disk["io"] or {})


def test_cpu_busy_is_measured_whatever_thread_answers(storage_root):
    # The viewer answers from a pool of threads; psutil.cpu_percent() keeps its baseline per
    # thread and answers 0.0 to each new one. A busy process guarantees the CPU is not idle.
    spinner = subprocess.Popen([sys.executable, "-c", "while True: pass"])
    try:
        time.sleep(0.2)
        seen: list[float] = []
        for _ in range(3):
            worker = threading.Thread(target=lambda: seen.append(host.host_sample(storage_root)["cpu"]["percent"]))
            worker.start()
            worker.join()
            time.sleep(0.2)
    finally:
        spinner.kill()
        spinner.wait()
    assert all(percent > 0 for percent in seen), seen
