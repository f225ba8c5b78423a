"""Run archives: ``runicorn export`` / ``runicorn import FILE`` on a storage root, beside what the
reference CLI's ``export`` / ``import --archive`` do with the same root.

The reference's ``export`` and ``import --archive`` both fail in 0.5.3 (``UnboundLocalError`` on
``Path``) as soon as there is a run, so there is no reference time to compare with: the benchmark
records that outcome and our throughput.

The root: ``BENCH_ARCHIVE_RUNS`` runs (default 200) of 2,000 metric rows and 200 log lines each,
every run logging the same 8 MB model file as a new version of one artifact (so the content is
stored once in the dedup pool, and our archive carries it once). The reference's archive holds run
directories only (no artifacts); ours holds the runs, every version and each content once.

    BENCH_ONLY=archives make bench
"""

from __future__ import annotations

import os
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path
from typing import Any

from tests.benchmarks.common import find_reference

RUNS = int(os.environ.get("BENCH_ARCHIVE_RUNS", "200"))

WRITE = """
import os, sys
import runicorn as rn
root, runs = sys.argv[1], int(sys.argv[2])
model = os.path.join(os.path.dirname(root), "model.bin")
with open(model, "wb") as fh:
    fh.write(os.urandom(8 * 1024 * 1024))
for i in range(runs):
    run = rn.init(project="bench", name=f"exp{i % 10}", storage=root)
    for step in range(2000):
        run.log({"loss": 1.0 / (step + 1), "acc": step / 2000})
    for line in range(200):
        run.log_text(f"line {line}")
    if hasattr(run, "log_artifact"):
        run.log_artifact(rn.Artifact("model", type="model").add_file(model))
    run.finish()
"""


def _timed(argv: list[str], env: dict[str, str] | None = None) -> float:
    started = time.perf_counter()
    subprocess.run(argv, check=True, capture_output=True, env=env, timeout=1800)
    return time.perf_counter() - started


def _outcome(argv: list[str], env: dict[str, str]) -> str:
    done = subprocess.run(argv, capture_output=True, text=True, env=env, timeout=1800)
    return "ok" if done.returncode == 0 else f"fails: {(done.stderr.strip().splitlines() or ['?'])[-1]}"


def _size(root: Path) -> int:
    """Bytes on disk under ``root``, each hard-linked file once (a version's files link the pool)."""
    seen: dict[tuple[int, int], int] = {}
    for f in root.rglob("*"):
        if f.is_file() and not f.is_symlink():
            st = f.stat()
            seen[(st.st_dev, st.st_ino)] = st.st_size
    return sum(seen.values())


def main() -> dict[str, Any]:
    work = Path(tempfile.mkdtemp(prefix="bench-archives-"))
    root = work / "root"
    subprocess.run([sys.executable, "-c", WRITE, str(root), str(RUNS)], check=True, timeout=1800)
    ours_zip = work / "ours.zip"
    export_s = _timed([sys.executable, "-m", "runicorn", "export", "-o", str(ours_zip), "--storage", str(root)])
    import_s = _timed([sys.executable, "-m", "runicorn", "import", str(ours_zip), "--storage", str(work / "ours-in")])
    result: dict[str, Any] = {
        "runs": RUNS, "root_bytes": _size(root), "ours": {
            "export_s": round(export_s, 2), "import_s": round(import_s, 2), "archive_bytes": ours_zip.stat().st_size},
    }
    ref, why = find_reference()
    if ref is None:
        result["reference"] = why
    else:
        # Recorded, not timed: both commands fail in 0.5.3 as soon as there is a run.
        ref_tar = work / "ref.tar.gz"
        with tarfile.open(ref_tar, "w:gz") as tf:
            for run_dir in sorted(root.glob("*/*/runs/*")):
                tf.add(str(run_dir), arcname=str(run_dir.relative_to(root)))
        ref_bin = str(ref.bin_dir / "runicorn")
        result["reference"] = {
            "export": _outcome([ref_bin, "export", "--storage", str(root), "--out", str(work / "x.tar.gz")],
                               ref.env(work)),
            "import": _outcome([ref_bin, "import", "--storage", str(work / "ref-in"), "--archive", str(ref_tar)],
                               ref.env(work)),
        }
    mb = result["root_bytes"] / 1e6
    result["ours"]["export_mb_s"] = round(mb / export_s, 1)
    result["ours"]["import_mb_s"] = round(mb / import_s, 1)
    result["summary"] = {
        "runs": RUNS,
        "root (MB)": round(mb, 1),
        "ours export / import (s)": f"{export_s:.1f} / {import_s:.1f}",
        "ours archive (MB)": round(ours_zip.stat().st_size / 1e6, 1),
        **({"reference export": result["reference"]["export"], "reference import": result["reference"]["import"]}
           if isinstance(result.get("reference"), dict) else {}),
    }
    return result


if __name__ == "__main__":
    import json

    print(json.dumps(main(), indent=2))
