"""Manifest sync over a real sshd on 127.0.0.1: SFTP requests and time, ours against the reference.

For a storage root of N finished runs (5 files each) it measures, on one SSH connection:
  * first sync by manifest (everything fetched),
  * unchanged sync after the server regenerated its manifest (new revision, same files),
  * unchanged sync with no regeneration (snapshot check only),
  * unchanged directory-walk sync (the fallback when a server has no manifest),
and, when the reference (runicorn==0.5.3) is installed, its ManifestSyncClient on the same
manifest: first sync and an unchanged sync after regeneration. SFTP requests are counted at
paramiko's request layer (every message sent to the server); times are medians.

    .venv/bin/python -m tests.benchmarks.bench_manifest_sync [--runs 500] [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[2]
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

REF_TIMEOUT = 60

# Run by the reference's interpreter: its ManifestSyncClient, requests counted the same way.
REF_CHILD = r"""
import json, sys, time, threading
import paramiko
from pathlib import Path
from runicorn.remote_storage.manifest_sync import ManifestSyncClient
host, port, user, key, root, cache = sys.argv[1:7]
count = [0]; lock = threading.Lock(); orig = paramiko.SFTPClient._async_request
def counted(self, *a, **k):
    with lock: count[0] += 1
    return orig(self, *a, **k)
paramiko.SFTPClient._async_request = counted
c = paramiko.SSHClient(); c.set_missing_host_key_policy(paramiko.AutoAddPolicy())
c.connect(host, int(port), username=user, key_filename=key, allow_agent=False, look_for_keys=False)
sftp = c.open_sftp()
t = time.perf_counter(); stats = ManifestSyncClient(sftp, root, Path(cache), jitter_max=0).sync()
print(json.dumps({"seconds": time.perf_counter() - t, "requests": count[0],
                  "files": stats.get("files_synced", 0)}))
"""


def _ref_python() -> Path | None:
    for candidate in (os.environ.get("REF_PYTHON"), REPO_ROOT / ".cache/ref/bin/python", "/tmp/ref/bin/python"):
        if candidate and Path(candidate).exists():
            return Path(candidate)
    return None


def _measure(fn: Any) -> tuple[float, int, dict[str, Any]]:
    from tests.manifest.helpers import RequestCounter

    with RequestCounter().counting() as counter:
        start = time.perf_counter()
        stats = fn()
        seconds = time.perf_counter() - start
    return seconds, counter.count, stats


def _ref_sync(server: Any, root: Path, cache: Path) -> dict[str, Any] | str:
    python = _ref_python()
    if python is None:
        return "reference not installed"
    try:
        done = subprocess.run(
            [str(python), "-c", REF_CHILD, server.host, str(server.port), server.user, str(server.key_path),
             str(root), str(cache)],
            capture_output=True, text=True, timeout=REF_TIMEOUT,
        )
    except subprocess.TimeoutExpired:
        # Seen with 0.5.3: its worker threads share one SFTPClient and block in paramiko for good.
        return f"no result within {REF_TIMEOUT} s"
    if done.returncode != 0:
        return f"failed: {done.stderr.strip().splitlines()[-1] if done.stderr.strip() else done.returncode}"
    return json.loads(done.stdout.strip().splitlines()[-1])


def main(runs: int = 500, repeat: int = 3) -> dict[str, Any]:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "runicorn_site.settings")
    import django

    django.setup()
    from runicorn.manifest import ManifestGenerator

    from apps.remote.sync import DirectoryWalkSync, ManifestSyncClient
    from tests.fixtures.sshd import SSHD, start_sshd, stop_sshd
    from tests.manifest.helpers import make_root

    if not Path(SSHD).exists():
        raise RuntimeError(f"{SSHD} is missing: make system-deps")
    work = Path(tempfile.mkdtemp(prefix="bench-sync-"))
    (work / "sshd").mkdir()
    server = start_sshd(work / "sshd")
    result: dict[str, Any] = {"runs": runs}
    try:
        root = work / "remote"
        make_root(root, runs)
        manifest, _ = ManifestGenerator(root).generate()
        result["files"] = manifest.total_files
        ssh = server.connect()
        sftp = ssh.open_sftp()
        client = ManifestSyncClient(sftp, str(root), work / "cache", jitter_max=0)

        seconds, requests_, stats = _measure(client.sync)
        assert stats["files_synced"] == manifest.total_files
        result["first_sync"] = {"seconds": round(seconds, 3), "requests": requests_}

        samples = []
        for _ in range(repeat):
            ManifestGenerator(root).generate()
            samples.append(_measure(client.sync))
        assert all(s[2]["files_synced"] == 0 for s in samples)
        result["unchanged_after_regeneration"] = {
            "seconds": round(statistics.median(s[0] for s in samples), 4),
            "requests": int(statistics.median(s[1] for s in samples)),
        }
        samples = [_measure(client.sync) for _ in range(repeat)]
        result["unchanged_no_regeneration"] = {
            "seconds": round(statistics.median(s[0] for s in samples), 4),
            "requests": int(statistics.median(s[1] for s in samples)),
        }
        walker = DirectoryWalkSync(sftp, str(root), work / "cache")
        samples = [_measure(walker.sync) for _ in range(repeat)]
        assert all(s[2]["files_synced"] == 0 for s in samples)
        result["unchanged_walk"] = {
            "seconds": round(statistics.median(s[0] for s in samples), 4),
            "requests": int(statistics.median(s[1] for s in samples)),
        }
        sftp.close()
        ssh.close()

        # The reference client reads active_manifest.json first: publish only the full one.
        result["ref_first_sync"] = _ref_sync(server, root, work / "ref-cache")
        if isinstance(result["ref_first_sync"], dict):
            ManifestGenerator(root).generate()
            result["ref_unchanged_after_regeneration"] = _ref_sync(server, root, work / "ref-cache")
        else:
            result["ref_unchanged_after_regeneration"] = "not measured: the first sync did not finish"
    finally:
        stop_sshd(server)
        shutil.rmtree(work, ignore_errors=True)

    ours = result["unchanged_after_regeneration"]
    walk = result["unchanged_walk"]
    summary = {
        f"first sync {runs} runs (s)": result["first_sync"]["seconds"],
        "first sync requests": result["first_sync"]["requests"],
        "unchanged sync requests (regenerated / not)": (
            f"{ours['requests']} / {result['unchanged_no_regeneration']['requests']}"
        ),
        "unchanged sync (s)": ours["seconds"],
        "unchanged walk sync requests": walk["requests"],
        "unchanged walk sync (s)": walk["seconds"],
        "walk / manifest time": round(walk["seconds"] / ours["seconds"], 1) if ours["seconds"] else None,
    }
    for key in ("ref_first_sync", "ref_unchanged_after_regeneration"):
        ref = result[key]
        if isinstance(ref, dict):
            summary[f"{key.replace('_', ' ')} (s / requests)"] = f"{ref['seconds']:.3f} / {ref['requests']}"
        else:
            summary[key.replace("_", " ")] = ref
    ref_first = result["ref_first_sync"]
    if isinstance(ref_first, dict) and result["first_sync"]["seconds"]:
        summary["first sync: reference / ours"] = round(ref_first["seconds"] / result["first_sync"]["seconds"], 2)
    result["summary"] = summary
    return result


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    print(json.dumps(main(args.runs, args.repeat), indent=2))
