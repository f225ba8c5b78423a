"""GET /api/system/monitor: the host's CPU, memory, disk and load, with the reference's field names."""

from __future__ import annotations

import os
import shutil

import pytest

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
