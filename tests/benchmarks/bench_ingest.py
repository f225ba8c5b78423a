"""Team ingestion (``BENCH_ONLY=ingest make bench``): one daphne taking uploads over HTTP.

* rows/s ingested: a 1,000,000-row run of 5 metrics uploaded by ``runicorn sync``, and the same
  run logged by a live job with the uploader on (until the server holds every row);
* p95 latency from ``log()`` in a job to the row arriving on the server's metrics WebSocket;
* ``log()`` calls/s with the uploader on vs off (same job, alternating);
* 32 concurrent jobs, each logging 1,000 rows/s for 60 s: rows lost and the server's CPU;
* MLflow's tracking server (``.cache/mlflow``: ``mlflow server`` with one worker, the client's
  ``log_batch``) on the same 5-metric rows, for a ratio.

Knobs: BENCH_INGEST_ROWS (1000000), BENCH_INGEST_FLEET (32), BENCH_INGEST_FLEET_SECONDS (60).
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import requests

from tests.benchmarks.common import REPO_ROOT, cpu_seconds, free_port, p95, start_ours, wait_idle

ROWS = int(os.environ.get("BENCH_INGEST_ROWS", "1000000"))
FLEET = int(os.environ.get("BENCH_INGEST_FLEET", "32"))
FLEET_SECONDS = float(os.environ.get("BENCH_INGEST_FLEET_SECONDS", "60"))
MLFLOW_PYTHON = REPO_ROOT / ".cache" / "mlflow" / "bin" / "python"
MLFLOW_SECONDS = 30.0

JOB = r"""
import json, sys, time
import runicorn as rn
rows, rate, name = int(sys.argv[1]), float(sys.argv[2]), sys.argv[3]
run = rn.init(project="bench", name=name)
print("RUN " + str(run.run_dir), flush=True)
start = time.perf_counter()
for i in range(rows):
    x = i * 1e-3
    rn.log({"m0": x, "m1": x * 2.5, "m2": 1.0 / (i + 1), "m3": x * x, "m4": 0.5 - x})
    if rate and i % 100 == 99:
        ahead = (i + 1) / rate - (time.perf_counter() - start)
        if ahead > 0:
            time.sleep(ahead)
logged = time.perf_counter()
rn.finish()
print(json.dumps({"log_s": logged - start, "finish_s": time.perf_counter() - logged}), flush=True)
"""

LIVE = r"""
import sys, time
import runicorn as rn
run = rn.init(project="bench", name="latency")
print("RUN " + str(run.run_dir), flush=True)
rn.log({"sent_at": time.time()})
time.sleep(3.0)  # the WebSocket client connects
for _ in range(int(sys.argv[1])):
    rn.log({"sent_at": time.time()})
    time.sleep(0.05)
rn.finish()
"""

MLFLOW_CLIENT = r"""
import json, sys, time
from mlflow import MlflowClient
from mlflow.entities import Metric
client = MlflowClient(tracking_uri=sys.argv[1])
run = client.create_run(client.create_experiment("bench-ingest"))
target, budget, rows = int(sys.argv[2]), float(sys.argv[3]), 0
start = time.perf_counter()
while rows < target and time.perf_counter() - start < budget:
    ts = int(time.time() * 1000)
    batch = []
    for i in range(rows, rows + 200):  # log_batch takes at most 1,000 metrics
        x = i * 1e-3
        batch += [Metric("m0", x, ts, i), Metric("m1", x * 2.5, ts, i), Metric("m2", 1.0 / (i + 1), ts, i),
                  Metric("m3", x * x, ts, i), Metric("m4", 0.5 - x, ts, i)]
    client.log_batch(run.info.run_id, metrics=batch)
    rows += 200
print(json.dumps({"rows": rows, "seconds": time.perf_counter() - start}))
"""


def _env(local_root: Path, server: str | None, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("RUNICORN_")}
    env.update(RUNICORN_DIR=str(local_root), RUNICORN_SYNC_FINISH_TIMEOUT="600", PYTHONUNBUFFERED="1")
    if server:
        env["RUNICORN_SERVER_URL"] = server
    else:
        env["RUNICORN_SYNC"] = "off"
    env.update(extra)
    return env


def _start_job(env: dict[str, str], *args: str, code: str = JOB) -> tuple[subprocess.Popen[str], Path]:
    process = subprocess.Popen([sys.executable, "-c", code, *args], env=env, cwd=REPO_ROOT, text=True,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    line = process.stdout.readline()  # type: ignore[union-attr]
    if not line.startswith("RUN "):
        raise RuntimeError(f"job failed to start: {line}{process.stderr.read()}")  # type: ignore[union-attr]
    return process, Path(line[4:].strip())


def _finish_job(process: subprocess.Popen[str], timeout: float = 900) -> dict[str, Any]:
    out, err = process.communicate(timeout=timeout)
    if process.returncode != 0:
        raise RuntimeError(f"job exited with {process.returncode}: {err[-2000:]}")
    return json.loads(out.strip().splitlines()[-1]) if out.strip() else {}


def _server_file(server_root: Path, run_dir: Path, name: str = "events.jsonl") -> Path:
    return server_root.joinpath(*run_dir.parts[-4:], name)


def _lines(path: Path) -> int:
    try:
        with open(path, "rb") as fh:
            return sum(chunk.count(b"\n") for chunk in iter(lambda: fh.read(1 << 20), b""))
    except OSError:
        return 0


def bench_sync(server: Any, server_root: Path, work: Path) -> dict[str, Any]:
    """1,000,000 rows written offline, then uploaded by ``runicorn sync``."""
    local = work / "offline-root"
    process, run_dir = _start_job(_env(local, None), str(ROWS), "0", "offline")
    _finish_job(process)
    size = (run_dir / "events.jsonl").stat().st_size
    cpu = cpu_seconds(server.process.pid)
    started = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "runicorn", "sync", str(local), "--server", server.url],
                            env=_env(local, None), capture_output=True, text=True, timeout=900)
    seconds = time.perf_counter() - started
    if result.returncode != 0:
        raise RuntimeError(f"runicorn sync failed: {result.stderr[-2000:]}")
    held = _lines(_server_file(server_root, run_dir))
    server_cpu = cpu_seconds(server.process.pid) - cpu
    # Rows per second of the server's CPU: what one daphne can take, less sensitive to a busy machine.
    return {"rows": ROWS, "bytes": size, "seconds": round(seconds, 2), "rows_per_s": round(held / seconds),
            "server_cpu_s": round(server_cpu, 2), "rows_per_server_cpu_s": round(held / max(server_cpu, 0.01)),
            "rows_on_server": held,
            "summary_line": result.stdout.strip().splitlines()[-1]}


def bench_live(server: Any, server_root: Path, work: Path) -> dict[str, Any]:
    """The same rows logged by a job with the uploader on, as fast as it can: until all are on the server."""
    cpu = cpu_seconds(server.process.pid)
    started = time.perf_counter()
    process, run_dir = _start_job(_env(work / "live-root", server.url), str(ROWS), "0", "live")
    timings = _finish_job(process)
    seconds = time.perf_counter() - started
    server_cpu = cpu_seconds(server.process.pid) - cpu
    held = _lines(_server_file(server_root, run_dir))
    return {"rows": ROWS, "seconds_until_held": round(seconds, 2), "rows_per_s": round(held / seconds),
            "server_cpu_s": round(server_cpu, 2), "rows_per_server_cpu_s": round(held / max(server_cpu, 0.01)),
            "log_s": round(timings["log_s"], 2), "finish_wait_s": round(timings["finish_s"], 2),
            "rows_on_server": held}


def bench_log_speed(server: Any, work: Path, rows: int = 200_000, rounds: int = 3) -> dict[str, Any]:
    """``log()`` calls/s of one job, uploader off and on, alternating."""
    speeds: dict[str, list[float]] = {"off": [], "on": []}
    for i in range(rounds):
        for mode in ("off", "on"):
            env = _env(work / f"speed-{mode}-{i}", server.url if mode == "on" else None)
            process, _ = _start_job(env, str(rows), "0", f"speed-{mode}")
            speeds[mode].append(rows / _finish_job(process)["log_s"])
    off, on = statistics.median(speeds["off"]), statistics.median(speeds["on"])
    return {"rows": rows, "calls_per_s_off": round(off), "calls_per_s_on": round(on),
            "on_vs_off": round(on / off, 3), "samples": {k: [round(v) for v in vs] for k, vs in speeds.items()}}


def bench_latency(server: Any, work: Path, rows: int = 100) -> dict[str, Any]:
    """p95 seconds from ``log()`` to the row on the server's metrics WebSocket."""
    from websockets.sync.client import connect

    process, run_dir = _start_job(_env(work / "latency-root", server.url), str(rows), code=LIVE)
    deadline = time.monotonic() + 30
    while server.get(f"/api/runs/{run_dir.name}").status_code != 200:
        if time.monotonic() > deadline:
            raise RuntimeError("the latency run never reached the index")
        time.sleep(0.05)
    delays: list[float] = []
    with connect(server.url.replace("http", "ws") + f"/api/runs/{run_dir.name}/metrics/ws", open_timeout=10) as ws:
        until = time.monotonic() + 3.0 + rows * 0.05 + 5
        while time.monotonic() < until and len(delays) < rows:
            try:
                message = json.loads(ws.recv(timeout=1.0))
            except TimeoutError:
                continue
            now = time.time()
            if message.get("type") == "rows":
                delays += [now - r["sent_at"] for r in message["rows"] if r.get("sent_at")]
    _finish_job(process)
    live = delays[-rows:]
    return {"rows": len(live), "p50_s": round(statistics.median(live), 3), "p95_s": round(p95(live), 3),
            "max_s": round(max(live), 3)}


def bench_fleet(server: Any, server_root: Path, work: Path) -> dict[str, Any]:
    """FLEET jobs logging 1,000 rows/s each for FLEET_SECONDS: rows lost, server CPU."""
    rows = int(1000 * FLEET_SECONDS)
    cpu = cpu_seconds(server.process.pid)
    started = time.perf_counter()
    jobs = [_start_job(_env(work / f"fleet-{i}", server.url), str(rows), "1000", f"fleet-{i}") for i in range(FLEET)]
    logged = time.perf_counter()
    results = [_finish_job(p) for p, _ in jobs]
    wall = time.perf_counter() - started
    server_cpu = cpu_seconds(server.process.pid) - cpu
    held = [_lines(_server_file(server_root, run_dir)) for _, run_dir in jobs]
    local = [_lines(run_dir / "events.jsonl") for _, run_dir in jobs]
    lost = sum(max(0, a - b) for a, b in zip(local, held, strict=True))
    return {"jobs": FLEET, "rows_per_job": rows, "rows_lost": lost,
            "rows_on_server": sum(held), "rows_logged": sum(local), "wall_s": round(wall, 1),
            "start_s": round(logged - started, 1), "server_cpu_s": round(server_cpu, 1),
            "server_cpu_share": round(server_cpu / wall, 3),
            "slowest_finish_wait_s": round(max(r["finish_s"] for r in results), 2)}


def bench_mlflow(work: Path) -> dict[str, Any]:
    if not MLFLOW_PYTHON.exists():
        return {"skipped": f"MLflow venv missing: {MLFLOW_PYTHON}"}
    port = free_port()
    mlflow_dir = work / "mlflow"
    mlflow_dir.mkdir()
    log = open(mlflow_dir / "server.log", "wb")  # noqa: SIM115 - the child's for its lifetime
    server = subprocess.Popen(
        [str(MLFLOW_PYTHON.parent / "mlflow"), "server", "--host", "127.0.0.1", "--port", str(port), "--workers", "1",
         "--backend-store-uri", f"sqlite:///{mlflow_dir / 'mlflow.db'}", "--default-artifact-root",
         str(mlflow_dir / "artifacts")], stdout=log, stderr=subprocess.STDOUT, cwd=mlflow_dir)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 180
        while True:
            try:
                if requests.get(url + "/health", timeout=2).ok:
                    break
            except requests.RequestException:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"mlflow server did not start:\n{(mlflow_dir / 'server.log').read_text()[-3000:]}")
            time.sleep(0.5)
        wait_idle(server.pid, below=0.1, timeout=30)
        out = subprocess.run([str(MLFLOW_PYTHON), "-c", MLFLOW_CLIENT, url, str(ROWS), str(MLFLOW_SECONDS)],
                             capture_output=True, text=True, timeout=MLFLOW_SECONDS + 120, cwd=mlflow_dir)
        if out.returncode != 0:
            raise RuntimeError(f"mlflow client failed: {out.stderr[-2000:]}")
        done = json.loads(out.stdout.strip().splitlines()[-1])
        return {"rows": done["rows"], "seconds": round(done["seconds"], 2),
                "rows_per_s": round(done["rows"] / done["seconds"]),
                "note": f"log_batch of 200 rows x 5 metrics, for at most {MLFLOW_SECONDS:g} s of the same workload"}
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()


def _load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def run_benchmark() -> dict[str, Any]:
    work = Path(tempfile.mkdtemp(prefix="bench-ingest-"))
    server_root = work / "server-root"
    server_root.mkdir()
    result: dict[str, Any] = {"load_at_start": _load()}
    server = start_ours(server_root, work / "viewer", {"RUNICORN_RATE_LIMIT_ENABLED": "0"})
    try:
        wait_idle(server.process.pid, timeout=30)
        for key, step in (("sync", lambda: bench_sync(server, server_root, work)),
                          ("live", lambda: bench_live(server, server_root, work)),
                          ("log_speed", lambda: bench_log_speed(server, work)),
                          ("latency", lambda: bench_latency(server, work)),
                          ("fleet", lambda: bench_fleet(server, server_root, work))):
            result[key] = step()
            result[key]["load"] = _load()
            print(f"ingest {key}: {json.dumps(result[key])}", flush=True)
    finally:
        server.stop()
    result["mlflow"] = bench_mlflow(work)
    result["mlflow"]["load"] = _load()
    mlflow_rate = result["mlflow"].get("rows_per_s")
    result["summary"] = {
        "ingest rows/s (runicorn sync, 1M rows x 5 metrics)": result["sync"]["rows_per_s"],
        "ingest rows/s (live job, uploader on)": result["live"]["rows_per_s"],
        "ingest rows per server CPU second (sync)": result["sync"]["rows_per_server_cpu_s"],
        "p95 log() -> WebSocket (s)": result["latency"]["p95_s"],
        "log() calls/s uploader on / off": result["log_speed"]["on_vs_off"],
        f"{FLEET} jobs x 1,000 rows/s: rows lost": result["fleet"]["rows_lost"],
        f"{FLEET} jobs: server CPU (cores)": result["fleet"]["server_cpu_share"],
        "MLflow log_batch rows/s": mlflow_rate,
        "ours / MLflow (sync)": round(result["sync"]["rows_per_s"] / mlflow_rate, 1) if mlflow_rate else None,
        "ours / MLflow (live job)": round(result["live"]["rows_per_s"] / mlflow_rate, 1) if mlflow_rate else None,
    }
    return result


def main() -> dict[str, Any]:
    result = run_benchmark()
    for label, value in result["summary"].items():
        print(f"{label:55s} {value}")
    return result


if __name__ == "__main__":
    print(json.dumps(main(), indent=2))
