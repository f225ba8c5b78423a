"""Beside Aim: the same run written with each SDK, then each server's first chart after a restart.

``python -m tests.benchmarks.bench_peers`` (or ``make bench``; ``make peers`` installs Aim into
``.cache/aim``). One run of ``BENCH_PEER_STEPS`` steps (default 20,000) × 3 metrics (loss, acc,
lr), written by Aim's SDK (``Run.track`` of a dict a step) and by ours (``run.log``), timed. Then
for each server: start it, ask for one metric (Aim: ``POST /api/runs/{hash}/metric/get-batch/``,
its UI's call; ours: ``metrics/fast?metric_names=loss&downsample=200``, about the 200 points Aim
answers), stop it, start it again and time the first request for the metric again — the first
chart after a restart — and the server's peak RSS (its whole process tree).

Issue #22's target: ours ≥ 2× faster than Aim's after a restart, peak RSS ≤ Aim's. Aim's SDK is
slow (~400–1,500 points/s here), so the run is far smaller than bench_store's 1,000,000 steps.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import requests

from tests.benchmarks.common import CACHE_DIR, free_port, rss_mb, start_ours, wait_idle

STEPS = int(os.environ.get("BENCH_PEER_STEPS", "20000"))
AIM_DIR = Path(os.environ.get("BENCH_AIM_VENV", str(CACHE_DIR.parent / "aim")))
OURS_ENV = {"RUNICORN_RATE_LIMITS": json.dumps({"default": "1000000/m"})}

AIM_WRITER = r"""
import json, math, sys, time
from aim import Run
repo, n = sys.argv[1], int(sys.argv[2])
start = time.perf_counter()
run = Run(repo=repo, experiment="bench", system_tracking_interval=None, log_system_params=False,
          capture_terminal_logs=False)
for s in range(1, n + 1):
    loss = 2.0 / math.sqrt(s) + 0.05 * math.sin(s / 37.0)
    run.track({"loss": loss, "acc": 1.0 - loss / 3.0, "lr": 0.001 * (0.5 + 0.5 * math.cos(s / 5000.0))}, step=s)
run.close()
print(json.dumps({"hash": run.hash, "seconds": time.perf_counter() - start}))
"""

OURS_WRITER = r"""
import json, math, sys, time
import runicorn as rn
root, n = sys.argv[1], int(sys.argv[2])
start = time.perf_counter()
run = rn.init(project="bench", name="peers", storage=root, capture_env=False)
for s in range(1, n + 1):
    loss = 2.0 / math.sqrt(s) + 0.05 * math.sin(s / 37.0)
    run.log({"loss": loss, "acc": 1.0 - loss / 3.0, "lr": 0.001 * (0.5 + 0.5 * math.cos(s / 5000.0))}, step=s)
run.finish()
print(json.dumps({"id": run.id, "seconds": time.perf_counter() - start}))
"""


def _write(python: str, code: str, target: Path) -> dict[str, Any]:
    out = subprocess.run([python, "-c", code, str(target), str(STEPS)], capture_output=True, text=True, timeout=3600)
    if out.returncode != 0:
        raise RuntimeError(f"writer failed: {out.stderr[-2000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


class _Aim:
    """``aim up`` in a session of its own: its uvicorn workers are stopped with it."""

    def __init__(self, repo: Path, workdir: Path) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        log = open(workdir / f"aim-{self.port}.log", "wb")  # noqa: SIM115 - the child's for its lifetime
        argv = [str(AIM_DIR / "bin" / "aim"), "up", "--repo", str(repo), "--host", "127.0.0.1",
                "--port", str(self.port)]
        self.process = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        log.close()
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            try:
                if requests.get(self.url + "/api/projects/", timeout=2).ok:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.2)
        self.stop()
        raise RuntimeError("aim up did not answer within 180 s")

    def stop(self) -> None:
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=20)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()


def _timed(call: Any) -> float:
    started = time.perf_counter()
    resp = call()
    elapsed = time.perf_counter() - started
    if resp.status_code != 200:
        raise RuntimeError(f"{resp.status_code}: {resp.text[:300]}")
    return elapsed


def measure_aim(repo: Path, run_hash: str, workdir: Path) -> dict[str, Any]:
    def chart(url: str) -> requests.Response:
        body = [{"name": "loss", "context": {}}]
        return requests.post(f"{url}/api/runs/{run_hash}/metric/get-batch/", json=body, timeout=600)

    server = _Aim(repo, workdir)
    try:
        first_ever = _timed(lambda: chart(server.url))
    finally:
        server.stop()
    server = _Aim(repo, workdir)
    try:
        wait_idle(server.process.pid)
        restart = _timed(lambda: chart(server.url))
        warm = min(_timed(lambda: chart(server.url)) for _ in range(5))
        memory = rss_mb(server.process.pid)
        points = len(chart(server.url).json()[0]["values"])
    finally:
        server.stop()
    return {"first_ever_ms": round(first_ever * 1000, 1), "restart_ms": round(restart * 1000, 1),
            "warm_ms": round(warm * 1000, 1), "points": points, **memory}


def measure_ours(root: Path, run_id: str, workdir: Path) -> dict[str, Any]:
    path = f"/api/v2/experiments/{run_id}/metrics/fast"
    params = {"metric_names": "loss", "downsample": 200}
    server = start_ours(root, workdir, {**OURS_ENV, "RUNICORN_DB_PATH": str(workdir / "ours-1.sqlite3")})
    try:
        deadline = time.monotonic() + 120
        while server.get(f"/api/runs/{run_id}", timeout=10).status_code != 200:
            if time.monotonic() > deadline:
                raise RuntimeError("our viewer did not index the run within 120 s")
            time.sleep(0.1)
        first_ever = _timed(lambda: server.get(path, params=params, timeout=600))
        wait_idle(server.process.pid)  # the store's write, in the background
    finally:
        server.stop()
    server = start_ours(root, workdir, {**OURS_ENV, "RUNICORN_DB_PATH": str(workdir / "ours-2.sqlite3")})
    try:
        deadline = time.monotonic() + 120
        while server.get(f"/api/runs/{run_id}", timeout=10).status_code != 200:
            if time.monotonic() > deadline:
                raise RuntimeError("our viewer did not index the run within 120 s")
            time.sleep(0.1)
        wait_idle(server.process.pid)
        restart = _timed(lambda: server.get(path, params=params, timeout=600))
        warm = min(_timed(lambda: server.get(path, params=params, timeout=600)) for _ in range(5))
        memory = server.memory()
        points = len(server.get(path, params=params, timeout=600).json()["rows"])
    finally:
        server.stop()
    return {"first_ever_ms": round(first_ever * 1000, 1), "restart_ms": round(restart * 1000, 1),
            "warm_ms": round(warm * 1000, 1), "points": points, **memory}


def main() -> dict[str, Any]:
    aim_python = AIM_DIR / "bin" / "python"
    if not aim_python.exists():
        raise RuntimeError(f"Aim not found at {AIM_DIR} (make peers)")
    workdir = Path(tempfile.mkdtemp(prefix="bench-peers-"))
    try:
        load_before = os.getloadavg()[0]
        repo = workdir / "aim-repo"
        repo.mkdir()
        subprocess.run([str(AIM_DIR / "bin" / "aim"), "init", "--repo", str(repo)], check=True, capture_output=True)
        aim_written = _write(str(aim_python), AIM_WRITER, repo)
        ours_root = workdir / "ours-root"
        ours_written = _write(sys.executable, OURS_WRITER, ours_root)
        aim = measure_aim(repo, aim_written["hash"], workdir)
        ours = measure_ours(ours_root, ours_written["id"], workdir)
        result: dict[str, Any] = {
            "steps": STEPS, "load_before": load_before, "load_after": os.getloadavg()[0],
            "sdk_points_per_s": {"aim": round(3 * STEPS / aim_written["seconds"]),
                                 "ours": round(3 * STEPS / ours_written["seconds"])},
            "aim": aim, "ours": ours,
        }
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    ratio = aim["restart_ms"] / ours["restart_ms"]
    loads = f"{result['load_before']:.1f}–{result['load_after']:.1f}"
    print(f"peers, one run of {STEPS:,} steps × 3 metrics (load {loads})")
    print(f"  SDK points/s:                 ours {result['sdk_points_per_s']['ours']:>10,}   Aim "
          f"{result['sdk_points_per_s']['aim']:>8,}")
    for key, label in (("first_ever_ms", "first chart ever"), ("restart_ms", "first chart after a restart"),
                       ("warm_ms", "warm (best of 5)")):
        print(f"  {label:29s} ours {ours[key]:8.1f} ms   Aim {aim[key]:8.1f} ms   ({aim[key] / ours[key]:.1f}×)")
    print(f"  peak RSS:                     ours {ours['peak_rss_mb']:8.1f} MB   Aim {aim['peak_rss_mb']:8.1f} MB "
          f"(process trees; Aim answers {aim['points']} points, ours {ours['points']})")
    result["summary"] = {"restart_ratio_vs_aim": round(ratio, 2), "ours_restart_ms": ours["restart_ms"],
                         "aim_restart_ms": aim["restart_ms"], "ours_peak_rss_mb": ours["peak_rss_mb"],
                         "aim_peak_rss_mb": aim["peak_rss_mb"], "load": round(result["load_before"], 1)}
    print(json.dumps(result))
    return result


if __name__ == "__main__":
    main()
