"""The persisted metrics store: the first chart of a 1,000,000-step × 3-metric run after a restart.

``python -m tests.benchmarks.bench_store`` (or ``make bench``). The run of ``bench_metrics`` (1M
rows: loss, acc, lr, a stage string), one fresh copy, one viewer data directory:

0. for comparison, a viewer without the store (``RUNICORN_METRICS_STORE_DIR=off``): its first
   ``metrics_step?downsample=2000`` parses ``events.jsonl``;
1. a viewer starts; its indexer finds the run, the background builder stores it (nobody has
   opened it), and the first ``metrics_step`` — the first request ever on the run — reads the
   store; the viewer stops;
2. a viewer starts again on the same data directory: its first ``metrics_step`` reads the store;
3. once more: its first ``metrics/fast?metric_names=loss&downsample=2000`` (one metric, as a chart
   asks) reads one column only; then the viewer's peak RSS.

Targets (issue #22): 2. and 3. ≤ 100 ms; peak RSS ≤ 170 MB (Aim's, measured in round 2).
Wall times move with the machine's load: the load average is printed beside them.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

from tests.benchmarks.bench_metrics import OURS_ENV, ROWS, RUN_ID, cached_run, fresh_copy
from tests.benchmarks.common import Server, _proc_status_kb, start_ours, wait_idle

DOWNSAMPLE = 2000
# bench_metrics' viewer settings with the store on (it measures the parse, with the store off).
VIEWER_ENV = {k: v for k, v in OURS_ENV.items() if k != "RUNICORN_METRICS_STORE_DIR"}
TARGETS = {"restart_ms": 100.0, "rss_mb": 170.0}


def _indexed(server: Server) -> None:
    deadline = time.monotonic() + 120
    while server.get(f"/api/runs/{RUN_ID}", timeout=10).status_code != 200:
        if time.monotonic() > deadline:
            raise RuntimeError("the viewer did not index the run within 120 s")
        time.sleep(0.1)
    wait_idle(server.process.pid)


def _first(server: Server, path: str, params: dict[str, Any]) -> float:
    started = time.perf_counter()
    resp = server.get(path, params=params, timeout=900)
    elapsed = time.perf_counter() - started
    if resp.status_code != 200 or not resp.json().get("rows"):
        raise RuntimeError(f"bad answer {resp.status_code}: {resp.text[:300]}")
    return elapsed


def _memory(server: Server) -> dict[str, float]:
    """RSS split: anonymous (the heap) and file-backed (mapped store pages, shared libraries —
    the kernel's page cache, reclaimable and shared between processes)."""
    pid = server.process.pid
    return {
        **server.memory(),
        "anon_mb": round(_proc_status_kb(pid, "RssAnon") / 1024, 1),
        "file_mb": round(_proc_status_kb(pid, "RssFile") / 1024, 1),
    }


def _viewer(root: Path, workdir: Path, i: int, **env: str) -> Server:
    # Same XDG_DATA_HOME (the store's default home) every time: only the process is new.
    extra = {**VIEWER_ENV, "RUNICORN_DB_PATH": str(workdir / f"index-{i}.sqlite3"), **env}
    server = start_ours(root, workdir, extra)
    _indexed(server)
    return server


def measure(workdir: Path) -> dict[str, Any]:
    root = fresh_copy(cached_run(ROWS), workdir / "root")
    step_path = f"/api/runs/{RUN_ID}/metrics_step"
    fast_path = f"/api/v2/experiments/{RUN_ID}/metrics/fast"
    result: dict[str, Any] = {"rows": ROWS, "load_before": os.getloadavg()[0]}

    server = _viewer(root, workdir, 9, RUNICORN_METRICS_STORE_DIR="off")
    try:
        result["parse_s"] = round(_first(server, step_path, {"downsample": DOWNSAMPLE}), 3)
        result["parse_rss"] = _memory(server)
    finally:
        server.stop()

    server = _viewer(root, workdir, 0)
    try:
        deadline = time.monotonic() + 300
        while not list((workdir / "ours-data").rglob("*.arrow")):  # the builder's work
            if time.monotonic() > deadline:
                raise RuntimeError("the background builder did not store the run within 300 s")
            time.sleep(0.1)
        wait_idle(server.process.pid)
        result["first_ever_ms"] = round(_first(server, step_path, {"downsample": DOWNSAMPLE}) * 1000, 1)
    finally:
        server.stop()
    stored = list((workdir / "ours-data").rglob("*.arrow"))
    result["store_mb"] = round(sum(p.stat().st_size for p in stored) / 2**20, 1)

    server = _viewer(root, workdir, 1)
    try:
        result["idle_rss"] = _memory(server)  # started, indexed, nothing asked yet
        result["restart_step_ms"] = round(_first(server, step_path, {"downsample": DOWNSAMPLE}) * 1000, 1)
        result["restart_step_rss"] = _memory(server)
    finally:
        server.stop()

    server = _viewer(root, workdir, 2)
    try:
        params = {"metric_names": "loss", "downsample": DOWNSAMPLE}
        result["restart_one_metric_ms"] = round(_first(server, fast_path, params) * 1000, 1)
        result["restart_one_metric_rss"] = _memory(server)
        result["warm_one_metric_ms"] = round(min(_first(server, fast_path, params) for _ in range(5)) * 1000, 1)
    finally:
        server.stop()
    result["load_after"] = os.getloadavg()[0]
    return result


def report(result: dict[str, Any]) -> list[str]:
    parse_ms = result["parse_s"] * 1000
    return [
        f"metrics store, {result['rows']:,} steps × 3 metrics (load {result['load_before']:.1f}"
        f"–{result['load_after']:.1f}; store file {result['store_mb']} MB)",
        f"  without the store: first request parses events.jsonl {parse_ms:8.1f} ms"
        f"  (peak RSS {result['parse_rss']['peak_rss_mb']} MB)",
        f"  first request ever, stored by the background builder: {result['first_ever_ms']:8.1f} ms"
        f"  ({parse_ms / result['first_ever_ms']:.1f}× faster)",
        f"  first metrics_step after a restart (the store):  {result['restart_step_ms']:8.1f} ms"
        f"   target ≤ {TARGETS['restart_ms']:.0f} ms; {parse_ms / result['restart_step_ms']:.1f}× faster than parsing",
        f"  first one-metric chart after a restart:          {result['restart_one_metric_ms']:8.1f} ms",
        f"  the same, warm (best of 5):                      {result['warm_one_metric_ms']:8.1f} ms",
        f"  peak RSS: {result['restart_step_rss']['peak_rss_mb']} MB (all metrics), "
        f"{result['restart_one_metric_rss']['peak_rss_mb']} MB (one metric); target ≤ {TARGETS['rss_mb']:.0f} MB",
        "  RSS anonymous / file-backed: idle {idle[anon_mb]} / {idle[file_mb]} MB, after the one-metric chart "
        "{one[anon_mb]} / {one[file_mb]} MB".format(idle=result["idle_rss"], one=result["restart_one_metric_rss"]),
    ]


def main() -> dict[str, Any]:
    workdir = Path(tempfile.mkdtemp(prefix="bench-store-"))
    try:
        result = measure(workdir)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    print("\n".join(report(result)))
    print(json.dumps(result))
    result["summary"] = {
        "parse_ms": round(result["parse_s"] * 1000, 1),
        "first_ever_ms": result["first_ever_ms"],
        "restart_step_ms": result["restart_step_ms"],
        "restart_one_metric_ms": result["restart_one_metric_ms"],
        "peak_rss_mb": result["restart_one_metric_rss"]["peak_rss_mb"],
        "load": round(result["load_before"], 1),
    }
    return result


if __name__ == "__main__":
    main()
