"""``GET /api/runs`` at 10,000 runs, ours against the reference, and how fast a new run shows up.

One generated storage root in the reference layout (cached under .cache/bench/). Each viewer is
measured while it runs alone, so neither one's background work (the reference's status sweep,
our periodic reconcile) lands on the other's timings on a small machine:

1. reference: start, first ``/api/runs`` (= settled), then 15 timed requests; its RSS.
2. ours: start with a fresh index, settled when ``/api/health`` reports every run indexed; 15 timed
   plain requests (the headline: a full 200 body) and 15 with ``If-None-Match`` (304).
   Both viewers are also left to go idle (start-up work done) before the timed requests.
3. ours: 5 times, a new run written by hand (built outside the root, then renamed into it, as an
   atomic writer would) and the wall time until it is in ``/api/runs``; then our RSS.

Targets (DESIGN.md): ours ≥ 20× faster on the plain list; a new run listed within 2 s.
``BENCH_RUNS=1000`` shrinks the root for a quick check.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

from tests.benchmarks.common import (
    CACHE_DIR,
    Server,
    find_reference,
    generated_root,
    median,
    p95,
    start_ours,
    timed,
    wait_for,
    wait_idle,
    write_reference_run,
)

REQUESTS = 15
APPEAR_SAMPLES = 5
TARGET_SPEEDUP = 20.0
TARGET_APPEAR_S = 2.0
# The limiter stays on (its per-request cost is part of what is measured; the reference has one
# too), with room for the timed requests and the polling loops.
RATE_LIMITS = {"RUNICORN_RATE_LIMITS": json.dumps({"default": "1000000/m", "GET /api/runs": "1000000/m"})}
# The hand-written runs go here, inside the cached root, and are removed afterwards.
NEW_PROJECT, NEW_NAME = "bench-new", "appear"


def _stats_ms(samples: list[float]) -> dict[str, Any]:
    ms = [s * 1000 for s in samples]
    return {"median": round(median(ms), 2), "p95": round(p95(ms), 2), "samples": [round(v, 2) for v in ms]}


def _get_list(server: Server, expected: int) -> None:
    resp = server.get("/api/runs")
    resp.raise_for_status()
    body = resp.content  # read the whole body: that is what a client waits for
    assert len(body) > expected * 100, f"{server.label}: /api/runs body too small for {expected} runs"


def measure_reference(root: Path, workdir: Path, n_runs: int) -> dict[str, Any]:
    reference, why = find_reference()
    if reference is None:
        raise RuntimeError(why)
    server = reference.start_viewer(root, workdir, timeout=120)
    try:
        first = server.get("/api/runs", timeout=600)
        first.raise_for_status()
        listed = len(first.json())
        if listed != n_runs:
            raise RuntimeError(f"reference lists {listed} runs, expected {n_runs}")
        settled_s = time.monotonic() - server.started_at
        idle_s = wait_idle(server.process.pid)
        samples = timed(lambda: _get_list(server, n_runs), REQUESTS)
        return {
            "settled_s": round(settled_s, 2), "idle_wait_s": round(idle_s, 1), "list_ms": _stats_ms(samples),
            **server.memory(),
        }
    finally:
        server.stop()


def _indexed(server: Server, n_runs: int) -> bool:
    return server.get("/api/health", timeout=5).json()["index"]["runs"] >= n_runs


def _new_run_appears(server: Server, root: Path, staging: Path, rng: random.Random) -> float:
    """Seconds from an atomic rename of a complete run into the root until /api/runs lists it."""
    run_id = time.strftime("%Y%m%d_%H%M%S", time.localtime()) + f"_{rng.getrandbits(24):06x}"
    built = write_reference_run(staging, NEW_PROJECT, NEW_NAME, run_id, time.time(), rng, storage_dir=root)
    target = root / NEW_PROJECT / NEW_NAME / "runs" / run_id
    first = server.get("/api/runs")
    etag = first.headers.get("ETag", "")
    start = time.perf_counter()
    os.rename(built, target)
    deadline = start + 60
    while time.perf_counter() < deadline:
        resp = server.get("/api/runs", headers={"If-None-Match": etag} if etag else {})
        if resp.status_code == 200:
            etag = resp.headers.get("ETag", "")
            if any(item["id"] == run_id for item in resp.json()):
                return time.perf_counter() - start
        time.sleep(0.02)
    raise RuntimeError(f"new run {run_id} not listed within 60 s")


def measure_ours(root: Path, workdir: Path, n_runs: int) -> dict[str, Any]:
    staging = workdir / "staging"
    server = start_ours(root, workdir, env_extra=RATE_LIMITS, timeout=120)
    try:
        index_s = wait_for(server, lambda s: _indexed(s, n_runs), 600, f"{n_runs} runs indexed")
        idle_s = wait_idle(server.process.pid)  # e.g. inotify watches being set up after the index
        warm = server.get("/api/runs")
        warm.raise_for_status()
        if len(warm.json()) != n_runs:
            raise RuntimeError(f"ours lists {len(warm.json())} runs, expected {n_runs}")
        etag = warm.headers["ETag"]
        plain = timed(lambda: _get_list(server, n_runs), REQUESTS)

        def conditional() -> None:
            resp = server.get("/api/runs", headers={"If-None-Match": etag})
            assert resp.status_code == 304, resp.status_code

        not_modified = timed(conditional, REQUESTS)
        rng = random.Random()
        appear = []
        for _ in range(APPEAR_SAMPLES):
            appear.append(_new_run_appears(server, root, staging, rng))
            time.sleep(1.0)  # let the watcher go idle: each sample starts from a quiet viewer
        return {
            "index_s": round(index_s, 2),
            "idle_wait_s": round(idle_s, 1),
            "list_ms": _stats_ms(plain),
            "list_304_ms": _stats_ms(not_modified),
            "appear_s": {
                "median": round(median(appear), 3), "max": round(max(appear), 3),
                "samples": [round(v, 3) for v in appear],
            },
            **server.memory(),
        }
    finally:
        server.stop()


def print_table(result: dict[str, Any]) -> None:
    ours, ref = result["ours"], result["reference"]
    rows = [
        ("metric", "ours", "reference", "ratio / target"),
        ("GET /api/runs median (ms)", ours["list_ms"]["median"], ref["list_ms"]["median"],
         f"{result['speedup_list']}x (target >= {TARGET_SPEEDUP:g}x)"),
        ("GET /api/runs p95 (ms)", ours["list_ms"]["p95"], ref["list_ms"]["p95"], ""),
        ("GET /api/runs If-None-Match median (ms)", ours["list_304_ms"]["median"], "-",
         f"{result['speedup_list_304']}x"),
        ("settled after start (s)", ours["index_s"], ref["settled_s"], "ours: all indexed; ref: 1st list"),
        ("then until idle (s)", ours["idle_wait_s"], ref["idle_wait_s"], "< 5% CPU over 1 s"),
        ("new run listed, median of 5 (s)", ours["appear_s"]["median"], "-", f"target <= {TARGET_APPEAR_S:g} s"),
        ("new run listed, max (s)", ours["appear_s"]["max"], "-", ""),
        ("RSS after (MiB)", ours["rss_mb"], ref["rss_mb"], ""),
        ("peak RSS (MiB)", ours["peak_rss_mb"], ref["peak_rss_mb"], ""),
    ]
    widths = [max(len(str(r[i])) for r in rows) for i in range(4)]
    print(
        f"\nbench_runs: {result['runs']} runs, {REQUESTS} requests each, {os.cpu_count()} CPUs, "
        f"load average {result['load_avg_1m_at_end']}"
    )
    for i, row in enumerate(rows):
        print("  ".join(str(cell).ljust(widths[j]) for j, cell in enumerate(row)))
        if i == 0:
            print("  ".join("-" * w for w in widths))


def main() -> dict[str, Any]:
    n_runs = int(os.environ.get("BENCH_RUNS", "10000"))
    started = time.perf_counter()
    root = generated_root(n_runs)
    generate_s = time.perf_counter() - started
    new_parent = root / NEW_PROJECT
    shutil.rmtree(new_parent, ignore_errors=True)  # left over from an interrupted run
    workdir = Path(tempfile.mkdtemp(prefix="bench-runs-", dir=CACHE_DIR))
    try:
        reference = measure_reference(root, workdir, n_runs)
        # The experiment the new runs join exists before our viewer starts (an ongoing project).
        (new_parent / NEW_NAME / "runs").mkdir(parents=True)
        ours = measure_ours(root, workdir, n_runs)
    finally:
        shutil.rmtree(new_parent, ignore_errors=True)
        shutil.rmtree(workdir, ignore_errors=True)
    result: dict[str, Any] = {
        "runs": n_runs,
        # Other work on the machine skews both viewers' timings; this says how busy it was.
        "load_avg_1m_at_end": round(os.getloadavg()[0], 2),
        "root_ready_s": round(generate_s, 2),
        "reference": reference,
        "ours": ours,
        "speedup_list": round(reference["list_ms"]["median"] / ours["list_ms"]["median"], 1),
        "speedup_list_304": round(reference["list_ms"]["median"] / ours["list_304_ms"]["median"], 1),
        "targets": {"speedup_list": TARGET_SPEEDUP, "appear_s": TARGET_APPEAR_S},
    }
    result["summary"] = {
        "runs": n_runs,
        "list_ms ours/ref": f"{ours['list_ms']['median']}/{reference['list_ms']['median']}",
        "speedup": f"{result['speedup_list']}x",
        "speedup_304": f"{result['speedup_list_304']}x",
        "appear_s": ours["appear_s"]["median"],
        "rss_mb": ours["rss_mb"],
    }
    print_table(result)
    return result


if __name__ == "__main__":
    main()
