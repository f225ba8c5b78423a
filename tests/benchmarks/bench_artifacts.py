"""Artifact endpoints and ``log_artifact``, ours against the reference (runicorn==0.5.3).

A generated root (cached under .cache/bench/): ``BENCH_ARTIFACTS`` artifacts (default 300) of
five versions each, every version two small files of which one is shared by all versions (so the
dedup pool matters), produced by one run each and used by consumer runs (so lineage has edges).
Each viewer runs alone; after it settles, 15 timed requests per endpoint:

    GET /api/artifacts, /api/artifacts/stats, /api/artifacts/{name}/versions,
    /api/artifacts/{name}/v3/files, /api/artifacts/{name}/v3/lineage

Then each SDK logs a 64 MiB file into a fresh root twice (new content, then the same content
again: the dedup case), in its own process; wall time of the ``log_artifact`` calls.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import sys
import tempfile
import time
import types
from pathlib import Path
from typing import Any

from tests.benchmarks.common import (
    CACHE_DIR,
    Server,
    find_reference,
    median,
    p95,
    run_python,
    start_ours,
    timed,
    wait_for,
    wait_idle,
    write_reference_run,
)

REQUESTS = 15
VERSIONS = 5
GENERATOR_VERSION = 1
RATE_LIMITS = {"RUNICORN_RATE_LIMITS": json.dumps({"default": "1000000/m"})}
PROBE = "art-00007"


def generated_artifact_root(n_artifacts: int) -> tuple[Path, int]:
    """(root, number of runs); built once with our SDK's format code and cached."""
    from runicorn.artifacts import Artifact, log_artifact, use_artifact

    root = CACHE_DIR / f"artifacts-{n_artifacts}-g{GENERATOR_VERSION}"
    done = root / ".complete"
    if done.exists():
        return root, int(done.read_text())
    shutil.rmtree(root, ignore_errors=True)
    rng = random.Random(7)
    src = Path(tempfile.mkdtemp(prefix="bench-art-src-", dir=CACHE_DIR))
    runs = 0

    def new_run(project: str, name: str) -> Any:
        nonlocal runs
        runs += 1
        created = time.time() - 86400 + runs
        run_id = time.strftime("%Y%m%d_%H%M%S", time.localtime(created)) + f"_{rng.getrandbits(24):06x}"
        run_dir = write_reference_run(root, project, name, run_id, created, rng)
        return types.SimpleNamespace(id=run_id, run_dir=run_dir, storage_root=root)

    try:
        shared = src / "shared.bin"
        shared.write_bytes(os.urandom(64 * 1024))
        for i in range(n_artifacts):
            name = f"art-{i:05d}"
            for _ in range(VERSIONS):
                own = src / "weights.bin"
                own.write_bytes(rng.randbytes(4096))
                producer = new_run("bench-art", "produce")
                art = Artifact(name, type=("model", "dataset", "config")[i % 3]).add_file(own).add_file(shared)
                log_artifact(producer, art)
            consumer = new_run("bench-art", "consume")
            use_artifact(consumer, f"{name}:v3")
            log_artifact(consumer, Artifact(f"{name}-eval", type="custom").add_file(shared))
    finally:
        shutil.rmtree(src, ignore_errors=True)
    done.write_text(str(runs))
    return root, runs


def _stats_ms(samples: list[float]) -> dict[str, Any]:
    ms = [s * 1000 for s in samples]
    return {"median": round(median(ms), 2), "p95": round(p95(ms), 2)}


ENDPOINTS = {
    "list": "/api/artifacts",
    "stats": "/api/artifacts/stats",
    "versions": f"/api/artifacts/{PROBE}/versions",
    "files": f"/api/artifacts/{PROBE}/v3/files",
    "lineage": f"/api/artifacts/{PROBE}/v3/lineage",
}


def _measure(server: Server, n_artifacts: int) -> dict[str, Any]:
    listed = server.get("/api/artifacts").json()
    if len(listed) != 2 * n_artifacts:
        raise RuntimeError(f"{server.label} lists {len(listed)} artifacts, expected {2 * n_artifacts}")
    server.get("/api/artifacts/stats").raise_for_status()  # ours: the first call writes the snapshot
    out: dict[str, Any] = {}
    for key, path in ENDPOINTS.items():
        def call(path: str = path) -> None:
            server.get(path).raise_for_status()

        out[key] = _stats_ms(timed(call, REQUESTS))
    out["lineage_nodes"] = len(server.get(ENDPOINTS["lineage"]).json()["nodes"])
    return out


def measure_reference(root: Path, workdir: Path, n_artifacts: int) -> dict[str, Any]:
    reference, why = find_reference()
    if reference is None:
        raise RuntimeError(why)
    server = reference.start_viewer(root, workdir, timeout=120)
    try:
        wait_idle(server.process.pid)
        return _measure(server, n_artifacts)
    finally:
        server.stop()


def measure_ours(root: Path, workdir: Path, n_artifacts: int, n_runs: int) -> dict[str, Any]:
    server = start_ours(root, workdir, env_extra=RATE_LIMITS, timeout=120)
    try:
        wait_for(server, lambda s: s.get("/api/health", timeout=5).json()["index"]["runs"] >= n_runs, 600,
                 "runs indexed")
        wait_idle(server.process.pid)
        return _measure(server, n_artifacts)
    finally:
        server.stop()


SDK_SCRIPT = r"""
import json, os, sys, time
import runicorn as rn
root, path = sys.argv[1], sys.argv[2]
run = rn.init(project="bench", name="sdk", storage=root)
times = []
for _ in range(2):
    art = rn.Artifact("big", type="dataset")
    art.add_file(path)
    start = time.perf_counter()
    run.log_artifact(art)
    times.append(time.perf_counter() - start)
run.finish()
print(json.dumps(times))
"""


def measure_sdk(workdir: Path) -> dict[str, Any]:
    reference, why = find_reference()
    if reference is None:
        raise RuntimeError(why)
    big = workdir / "big.bin"
    with open(big, "wb") as fh:
        for _ in range(64):
            fh.write(os.urandom(1 << 20))
    results = {}
    for label, python, env in (
        ("ours", sys.executable, dict(os.environ)),
        ("reference", str(reference.python), reference.env(workdir)),
    ):
        root = workdir / f"sdk-{label}"
        times = json.loads(run_python(python, SDK_SCRIPT, [str(root), str(big)], env, workdir, 300).splitlines()[-1])
        results[label] = {"new_s": round(times[0], 3), "again_s": round(times[1], 3)}
        shutil.rmtree(root, ignore_errors=True)
    return results


def main() -> dict[str, Any]:
    n_artifacts = int(os.environ.get("BENCH_ARTIFACTS", "300"))
    started = time.perf_counter()
    root, n_runs = generated_artifact_root(n_artifacts)
    generate_s = time.perf_counter() - started
    workdir = Path(tempfile.mkdtemp(prefix="bench-artifacts-", dir=CACHE_DIR))
    try:
        reference = measure_reference(root, workdir, n_artifacts)
        ours = measure_ours(root, workdir, n_artifacts, n_runs)
        sdk = measure_sdk(workdir)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    speedups = {k: round(reference[k]["median"] / ours[k]["median"], 1) for k in ENDPOINTS}
    result: dict[str, Any] = {
        "artifacts": 2 * n_artifacts, "versions": n_artifacts * (VERSIONS + 1), "runs": n_runs,
        "load_avg_1m_at_end": round(os.getloadavg()[0], 2), "root_ready_s": round(generate_s, 2),
        "reference": reference, "ours": ours, "speedup": speedups, "sdk": sdk,
    }
    result["summary"] = {
        "artifacts": 2 * n_artifacts,
        **{f"{k} ms ours/ref": f"{ours[k]['median']}/{reference[k]['median']} ({speedups[k]}x)" for k in ENDPOINTS},
        "log 64MiB s ours/ref": f"{sdk['ours']['new_s']}/{sdk['reference']['new_s']}",
        "again (dedup) s ours/ref": f"{sdk['ours']['again_s']}/{sdk['reference']['again_s']}",
    }
    print(f"\nbench_artifacts: {2 * n_artifacts} artifacts, {n_runs} runs, {REQUESTS} requests each, "
          f"{os.cpu_count()} CPUs, load average {result['load_avg_1m_at_end']}")
    for label, value in result["summary"].items():
        print(f"  {label:28} {value}")
    return result


if __name__ == "__main__":
    main()
