"""SDK ``log()`` throughput: our SDK against the reference (runicorn==0.5.3), same machine, same run.

Each measurement is a fresh interpreter that starts a run, calls ``run.log()`` N times with three
metrics (values that change every step, as in training), then ``finish()``. The time covers the
calls AND the final flush, so buffering cannot hide work. Ours and the reference alternate so
that machine noise hits both alike; the median of the repeats is reported.

    .venv/bin/python tests/benchmarks/bench_sdk.py              # or: python -m tests.benchmarks.bench_sdk
    REF_PYTHON=/path/to/ref/bin/python .venv/bin/python tests/benchmarks/bench_sdk.py --repeat 5

The reference is found through ``REF_PYTHON``, then ``.cache/ref/bin/python`` (``make ref``), then
``/tmp/ref/bin/python``. Without it only our figures are printed.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[2]
OURS_N = 200_000
REF_N = 20_000
TARGET_RATIO = 30.0

# argv: storage root, number of calls. Prints one JSON line.
CHILD = r"""
import json, sys, time
import runicorn as rn
root, n = sys.argv[1], int(sys.argv[2])
run = rn.init(project="bench", name="sdk", storage=root, capture_env=False)
log = run.log
cpu_start, start = time.process_time(), time.perf_counter()
for i in range(n):
    log({"loss": 1.0 / (i + 1), "acc": i / n, "lr": 0.001})
run.finish()
seconds = time.perf_counter() - start
cpu_seconds = time.process_time() - cpu_start
with open(run.run_dir / "events.jsonl", "rb") as fh:
    lines = sum(1 for _ in fh)
print(json.dumps({"calls": n, "seconds": seconds, "cpu_seconds": cpu_seconds, "lines": lines}))
"""


def find_reference_python() -> Path | None:
    configured = os.environ.get("REF_PYTHON")
    candidates = [Path(configured)] if configured else []
    candidates += [REPO_ROOT / ".cache" / "ref" / "bin" / "python", Path("/tmp/ref/bin/python")]
    for python in candidates:
        if python.exists():
            return python
    return None


def _ours_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("RUNICORN_")}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO_ROOT / "sdk"), env.get("PYTHONPATH")]))
    return env


def _ref_env(work: Path) -> dict[str, str]:
    # Its own HOME: the reference must not read or write the user's config.
    home = work / "ref-home"
    home.mkdir(parents=True, exist_ok=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("RUNICORN_", "PYTHON", "VIRTUAL_ENV"))}
    env.update(HOME=str(home), XDG_CONFIG_HOME=str(home / ".config"), XDG_DATA_HOME=str(home / ".local/share"))
    return env


def measure(python: str, n: int, env: dict[str, str], work: Path) -> dict[str, Any]:
    root = Path(tempfile.mkdtemp(prefix="root-", dir=work))
    proc = subprocess.run(
        [python, "-c", CHILD, str(root), str(n)], capture_output=True, text=True, env=env, cwd=work, timeout=900
    )
    if proc.returncode != 0:
        raise RuntimeError(f"{python} failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr[-3000:]}")
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    if result["lines"] != n:
        raise RuntimeError(f"{python}: {result['lines']} lines written for {n} calls")
    result["calls_per_s"] = n / result["seconds"]
    result["cpu_us_per_call"] = 1e6 * result["cpu_seconds"] / n
    return result


def run_benchmark(ours_n: int = OURS_N, ref_n: int = REF_N, repeat: int = 3) -> dict[str, Any]:
    ref_python = find_reference_python()
    ours: list[float] = []
    theirs: list[float] = []
    ours_cpu: list[float] = []
    theirs_cpu: list[float] = []
    with tempfile.TemporaryDirectory(prefix="bench-sdk-") as tmp:
        work = Path(tmp)
        for _ in range(repeat):
            sample = measure(sys.executable, ours_n, _ours_env(), work)
            ours.append(sample["calls_per_s"])
            ours_cpu.append(sample["cpu_us_per_call"])
            if ref_python is not None:
                sample = measure(str(ref_python), ref_n, _ref_env(work), work)
                theirs.append(sample["calls_per_s"])
                theirs_cpu.append(sample["cpu_us_per_call"])
    result: dict[str, Any] = {
        "ours_calls": ours_n,
        "ours_calls_per_s": round(statistics.median(ours)),
        "ours_samples": [round(x) for x in ours],
        # CPU time of the whole process (caller + writer thread) per call: steadier than wall
        # time when other jobs share the machine.
        "ours_cpu_us_per_call": round(statistics.median(ours_cpu), 2),
        "reference_python": str(ref_python) if ref_python else None,
        "repeat": repeat,
        "cpus": os.cpu_count(),
    }
    if theirs:
        ratio = statistics.median(ours) / statistics.median(theirs)
        result.update(
            reference_calls=ref_n,
            reference_calls_per_s=round(statistics.median(theirs)),
            reference_samples=[round(x) for x in theirs],
            reference_cpu_us_per_call=round(statistics.median(theirs_cpu), 2),
            ratio=round(ratio, 1),
            cpu_ratio=round(statistics.median(theirs_cpu) / statistics.median(ours_cpu), 1),
            target_ratio=TARGET_RATIO,
            meets_target=ratio >= TARGET_RATIO,
        )
    result["summary"] = {
        "ours log()/s": result["ours_calls_per_s"],
        "reference log()/s": result.get("reference_calls_per_s", "n/a"),
        "ratio": result.get("ratio", "n/a"),
    }
    return result


def print_table(result: dict[str, Any]) -> None:
    rows = [("sdk", "calls", "log() calls/s (median)", "CPU us/call", "samples (calls/s)")]
    rows.append(("ours", str(result["ours_calls"]), f"{result['ours_calls_per_s']:,}",
                 f"{result['ours_cpu_us_per_call']:.2f}", str(result["ours_samples"])))
    if "reference_calls_per_s" in result:
        rows.append(("reference 0.5.3", str(result["reference_calls"]), f"{result['reference_calls_per_s']:,}",
                     f"{result['reference_cpu_us_per_call']:.2f}", str(result["reference_samples"])))
    widths = [max(len(r[i]) for r in rows) for i in range(5)]
    for row in rows:
        print("  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)))
    if "ratio" in result:
        verdict = "meets" if result["meets_target"] else "BELOW"
        print(f"ratio ours/reference: {result['ratio']}x calls/s ({verdict} the {TARGET_RATIO:g}x target); "
              f"{result['cpu_ratio']}x in CPU per call")
    else:
        print("reference not found (REF_PYTHON, .cache/ref, /tmp/ref): no ratio")


def main() -> dict[str, Any]:
    """Entry point for ``make bench`` (tests/benchmarks/run_all.py)."""
    result = run_benchmark()
    print_table(result)
    return result


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--ours-n", type=int, default=OURS_N)
    parser.add_argument("--ref-n", type=int, default=REF_N)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    outcome = run_benchmark(args.ours_n, args.ref_n, args.repeat)
    print_table(outcome)
    print(json.dumps({k: v for k, v in outcome.items() if k != "summary"}))
