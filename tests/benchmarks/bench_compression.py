"""Compressed answers under concurrency: ``/api/runs`` at 10,000 runs, 64 clients on one daphne.

``python -m tests.benchmarks.bench_compression`` (or ``make bench``). One viewer on a generated root
of 10,000 runs; the load generator (``team_load``, its own process, aiohttp keep-alive connections)
sends ``REQUESTS`` requests, ``CONCURRENCY`` at a time, to ``/api/runs`` and the V2 first page,
once with ``Accept-Encoding: identity`` and once with ``gzip`` (the compressed bytes come from the
cache after the first answer). Prints bytes per answer, req/s and p50/p99 for both.

On a 2-core machine the clients share the cores with the viewer: the load average is printed.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

import requests

from tests.benchmarks.bench_team import run_load
from tests.benchmarks.common import generated_root, start_ours, wait_idle

RUNS = int(os.environ.get("BENCH_COMPRESSION_RUNS", "10000"))
REQUESTS = int(os.environ.get("BENCH_COMPRESSION_REQUESTS", "640"))
CONCURRENCY = 64
PATHS = ["/api/runs", "/api/v2/experiments?per_page=50"]
OURS_ENV = {"RUNICORN_RATE_LIMIT_ENABLED": "0"}  # 64 clients from one address: no limits


def main() -> dict[str, Any]:
    root = generated_root(RUNS)
    workdir = Path(tempfile.mkdtemp(prefix="bench-compression-"))
    server = start_ours(root, workdir, OURS_ENV)
    try:
        deadline = time.monotonic() + 600
        while len(server.get("/api/runs", timeout=60).json()) < RUNS:
            if time.monotonic() > deadline:
                raise RuntimeError(f"the viewer did not index {RUNS} runs within 600 s")
            time.sleep(0.5)
        wait_idle(server.process.pid)
        result: dict[str, Any] = {"runs": RUNS, "load_before": os.getloadavg()[0]}
        for encoding in ("identity", "gzip"):
            sizes = {}
            for path in PATHS:
                raw = requests.get(server.url + path, headers={"Accept-Encoding": encoding}, stream=True, timeout=60)
                raw.raise_for_status()
                sizes[path] = len(raw.raw.read(decode_content=False))
            load = run_load([server.url], PATHS, {"Accept-Encoding": encoding}, REQUESTS, CONCURRENCY)
            result[encoding] = {"bytes": sizes, **load}
        result["load_after"] = os.getloadavg()[0]
    finally:
        server.stop()
        shutil.rmtree(workdir, ignore_errors=True)
    plain, packed = result["identity"], result["gzip"]
    print(f"/api/runs at {RUNS:,} runs and the V2 first page, {CONCURRENCY} clients, {REQUESTS} requests "
          f"(load {result['load_before']:.1f}–{result['load_after']:.1f})")
    for label, entry in (("identity", plain), ("gzip", packed)):
        sizes = ", ".join(f"{path} {size / 1024:,.0f} kB" for path, size in entry["bytes"].items())
        print(f"  {label:8s} {entry['requests_per_second']:7.1f} req/s  p50 {entry['latency_ms']['p50']:8.1f} ms  "
              f"p99 {entry['latency_ms']['p99']:8.1f} ms  non-2xx {entry['non_2xx']}  ({sizes})")
    result["summary"] = {
        "identity_rps": plain["requests_per_second"], "gzip_rps": packed["requests_per_second"],
        "identity_p99_ms": plain["latency_ms"]["p99"], "gzip_p99_ms": packed["latency_ms"]["p99"],
        "runs_kb_identity": round(plain["bytes"]["/api/runs"] / 1024),
        "runs_kb_gzip": round(packed["bytes"]["/api/runs"] / 1024),
        "load": round(result["load_before"], 1),
    }
    return result


if __name__ == "__main__":
    main()
