"""Shared helpers for the benchmarks and the compatibility tests.

They start our viewer and the reference viewer (runicorn==0.5.3 in its own venv) as real
subprocesses on free loopback ports, measure them (wall time, RSS from /proc) and generate large
storage roots in the reference layout, cached under ``.cache/bench/`` so a second run is instant.
"""

from __future__ import annotations

import json
import math
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests

REPO_ROOT = Path(__file__).resolve().parents[2]
CACHE_DIR = REPO_ROOT / ".cache" / "bench"
DEFAULT_REF_DIR = REPO_ROOT / ".cache" / "ref"


# ---------------------------------------------------------------------------- numbers


def median(values: Sequence[float]) -> float:
    return float(statistics.median(values))


def p95(values: Sequence[float]) -> float:
    """Nearest-rank 95th percentile (with 15 samples: the second largest)."""
    ordered = sorted(values)
    return float(ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)])


def timed(fn: Callable[[], Any], repeat: int) -> list[float]:
    """Wall seconds of ``repeat`` calls of ``fn``."""
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return samples


# ---------------------------------------------------------------------------- processes


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _proc_status_kb(pid: int, key: str) -> int:
    try:
        with open(f"/proc/{pid}/status") as fh:
            for line in fh:
                if line.startswith(key + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def process_tree(pid: int) -> list[int]:
    """``pid`` and all its descendants (a viewer may fork workers)."""
    pids, todo = [], [pid]
    while todo:
        current = todo.pop()
        pids.append(current)
        try:
            for task in os.listdir(f"/proc/{current}/task"):
                with open(f"/proc/{current}/task/{task}/children") as fh:
                    todo.extend(int(child) for child in fh.read().split())
        except OSError:
            continue
    return pids


def rss_mb(pid: int) -> dict[str, float]:
    """Current (VmRSS) and peak (VmHWM) resident memory of a process tree, in MiB."""
    tree = process_tree(pid)
    return {
        "rss_mb": round(sum(_proc_status_kb(p, "VmRSS") for p in tree) / 1024, 1),
        "peak_rss_mb": round(sum(_proc_status_kb(p, "VmHWM") for p in tree) / 1024, 1),
    }


def cpu_seconds(pid: int) -> float:
    """User + system CPU time used so far by a process tree."""
    ticks = 0
    for p in process_tree(pid):
        try:
            with open(f"/proc/{p}/stat") as fh:
                # Fields after the parenthesised command name; utime and stime are 14th and 15th.
                fields = fh.read().rsplit(")", 1)[1].split()
            ticks += int(fields[11]) + int(fields[12])
        except (OSError, IndexError, ValueError):
            continue
    return ticks / os.sysconf("SC_CLK_TCK")


def wait_idle(pid: int, below: float = 0.05, window: float = 1.0, timeout: float = 120) -> float:
    """Seconds until a process tree used less than ``below`` of one CPU over ``window`` seconds.

    "Settled" for a benchmark: start-up work (index building, setting up file watches, a first
    status sweep) would otherwise land on the first timed requests.
    """
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        before = cpu_seconds(pid)
        time.sleep(window)
        if cpu_seconds(pid) - before < below * window:
            return time.monotonic() - start
    return time.monotonic() - start


@dataclass
class Server:
    """A viewer running as a subprocess; ``session`` keeps one connection alive across requests."""

    label: str
    url: str
    process: subprocess.Popen[bytes]
    log_path: Path
    started_at: float
    session: requests.Session = field(default_factory=requests.Session)

    def get(self, path: str, timeout: float = 120, **kwargs: Any) -> requests.Response:
        return self.session.get(self.url + path, timeout=timeout, **kwargs)

    def post(self, path: str, timeout: float = 60, **kwargs: Any) -> requests.Response:
        return self.session.post(self.url + path, timeout=timeout, **kwargs)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def memory(self) -> dict[str, float]:
        return rss_mb(self.process.pid)

    def stop(self) -> None:
        self.session.close()
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def _spawn(label: str, argv: list[str], env: dict[str, str], workdir: Path, port: int) -> Server:
    log_path = workdir / f"{label}-{port}.log"
    log_file = open(log_path, "wb")  # noqa: SIM115 - owned by the child for its lifetime
    try:
        process = subprocess.Popen(argv, stdout=log_file, stderr=subprocess.STDOUT, env=env, cwd=workdir)
    finally:
        log_file.close()
    return Server(label, f"http://127.0.0.1:{port}", process, log_path, time.monotonic())


def wait_for(server: Server, ready: Callable[[Server], bool], timeout: float, what: str) -> float:
    """Seconds from the server's start until ``ready(server)``; raises with its log otherwise."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"{server.label} exited with {server.process.returncode}:\n{server.log()[-4000:]}")
        try:
            if ready(server):
                return time.monotonic() - server.started_at
        except requests.RequestException:
            pass
        time.sleep(0.1)
    server.stop()
    raise RuntimeError(f"{server.label}: {what} not reached within {timeout:.0f} s:\n{server.log()[-4000:]}")


def _answers_health(server: Server) -> bool:
    return server.get("/api/health", timeout=2).ok


def start_ours(root: Path, workdir: Path, env_extra: dict[str, str] | None = None, timeout: float = 120) -> Server:
    """Our viewer (``runicorn viewer`` → daphne) with its own fresh index database under ``workdir``."""
    workdir.mkdir(parents=True, exist_ok=True)
    port = free_port()
    env = dict(os.environ)
    env.update(
        {
            "RUNICORN_DIR": str(root),
            "RUNICORN_DB_PATH": str(workdir / f"ours-{port}.sqlite3"),
            "RUNICORN_START_INDEXER": "1",
            "XDG_CONFIG_HOME": str(workdir / "ours-config"),
            "XDG_DATA_HOME": str(workdir / "ours-data"),
            "PYTHONUNBUFFERED": "1",
        }
    )
    env.update(env_extra or {})
    argv = [sys.executable, "-m", "runicorn", "viewer", "--host", "127.0.0.1", "--port", str(port)]
    server = _spawn("ours", argv, env, workdir, port)
    wait_for(server, _answers_health, timeout, "/api/health")
    return server


# ---------------------------------------------------------------------------- the reference


@dataclass(frozen=True)
class Reference:
    """The reference implementation installed in its own venv (``make ref``)."""

    python: Path

    @property
    def bin_dir(self) -> Path:
        return self.python.parent

    def env(self, workdir: Path, root: Path | None = None) -> dict[str, str]:
        """A clean environment: its own HOME, so it never reads or writes the user's config."""
        home = workdir / "ref-home"
        home.mkdir(parents=True, exist_ok=True)
        env = {k: v for k, v in os.environ.items() if not k.startswith(("RUNICORN_", "PYTHON", "VIRTUAL_ENV"))}
        env.update(
            {
                "HOME": str(home),
                "XDG_CONFIG_HOME": str(home / ".config"),
                "XDG_DATA_HOME": str(home / ".local" / "share"),
                "PYTHONUNBUFFERED": "1",
            }
        )
        if root is not None:
            env["RUNICORN_DIR"] = str(root)
        return env

    def run_script(self, code: str, args: Sequence[str], workdir: Path, timeout: float = 60) -> str:
        """Run ``code`` with the reference's python; returns stdout, raises with stderr on failure."""
        return run_python(str(self.python), code, args, self.env(workdir), workdir, timeout)

    def start_viewer(self, root: Path, workdir: Path, timeout: float = 60) -> Server:
        workdir.mkdir(parents=True, exist_ok=True)
        port = free_port()
        runicorn = self.bin_dir / "runicorn"
        argv = [str(runicorn), "viewer", "--host", "127.0.0.1", "--port", str(port), "--log-level", "WARNING"]
        server = _spawn("reference", argv, self.env(workdir, root), workdir, port)
        wait_for(server, _answers_health, timeout, "/api/health")
        return server


def find_reference() -> tuple[Reference | None, str]:
    """The reference from ``REF_PYTHON`` or ``.cache/ref``; (None, why) when it is not installed."""
    configured = os.environ.get("REF_PYTHON")
    python = Path(configured) if configured else DEFAULT_REF_DIR / "bin" / "python"
    if not python.exists():
        hint = "REF_PYTHON points to it" if configured else "install it with `make ref`"
        return None, f"reference runicorn==0.5.3 not found: {python} missing ({hint})"
    if not (python.parent / "runicorn").exists():
        return None, f"reference venv at {python.parent} has no `runicorn` command (run `make ref`)"
    return Reference(python), ""


def run_python(
    python: str, code: str, args: Sequence[str], env: dict[str, str], workdir: Path, timeout: float = 60
) -> str:
    workdir.mkdir(parents=True, exist_ok=True)
    proc = subprocess.run(
        [python, "-c", code, *args], capture_output=True, text=True, env=env, cwd=workdir, timeout=timeout
    )
    if proc.returncode != 0:
        raise RuntimeError(f"{python} failed with {proc.returncode}:\n{proc.stdout}\n{proc.stderr}")
    return proc.stdout


# ---------------------------------------------------------------------------- generated roots

GENERATOR_VERSION = 1  # bump when the generated layout changes, so stale caches are rebuilt
_STATUSES = ("finished",) * 18 + ("failed", "interrupted")


def _write(path: str, text: str) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    try:
        os.write(fd, text.encode())
    finally:
        os.close(fd)


def write_reference_run(
    root: Path, project: str, name: str, run_id: str, created: float, rng: random.Random,
    storage_dir: Path | None = None,
) -> Path:
    """One finished run with the files and keys the reference SDK writes (no ``running`` runs:
    a viewer would rewrite their status.json and spoil a cached root)."""
    run_dir = root / project / name / "runs" / run_id
    os.makedirs(run_dir / "media", exist_ok=True)
    d = str(run_dir)
    meta = {
        "id": run_id, "project": project, "name": name, "created_at": created, "python": "3.11.7",
        "platform": "Linux 6.1.0 (x86_64)", "hostname": "bench-host", "pid": rng.randint(1000, 60000),
        "storage_dir": str(storage_dir or root),
    }
    _write(d + "/meta.json", json.dumps(meta, indent=2))
    status = rng.choice(_STATUSES)
    _write(d + "/status.json", json.dumps({"status": status, "started_at": created, "ended_at": created + 600}))
    lines, best, best_step = [], -1.0, 0
    for step in range(1, 4):
        acc = round(rng.random(), 4)
        if acc > best:
            best, best_step = acc, step
        ts = created + step
        data = {"loss": round(rng.random(), 4), "val_acc": acc, "global_step": step, "time": ts, "stage": "train"}
        lines.append(json.dumps({"ts": ts, "type": "metrics", "data": data}))
    _write(d + "/events.jsonl", "\n".join(lines) + "\n")
    _write(d + "/logs.txt", "00:00:01 | started\n")
    if rng.random() < 0.8:
        summary = {"best_metric_value": best, "best_metric_name": "val_acc", "best_metric_step": best_step,
                   "best_metric_mode": "max"}
        _write(d + "/summary.json", json.dumps(summary, indent=2))
    if rng.random() < 0.02:
        created_list = {"artifacts": [{"name": f"model-{run_id}", "type": "model", "version": 1}]}
        _write(d + "/artifacts_created.json", json.dumps(created_list))
    return run_dir


def run_id_for(ts: float, rng: random.Random) -> str:
    return time.strftime("%Y%m%d_%H%M%S", time.gmtime(ts)) + "_" + f"{rng.getrandbits(24):06x}"


def generated_root(n_runs: int, projects: int = 10, names_per_project: int = 20) -> Path:
    """A storage root of ``n_runs`` runs in the reference layout, built once and cached."""
    target = CACHE_DIR / f"runs-{n_runs}-v{GENERATOR_VERSION}"
    stamp = target / ".complete"
    if stamp.exists():
        return target
    partial = target.with_name(target.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    shutil.rmtree(target, ignore_errors=True)
    partial.mkdir(parents=True)
    rng = random.Random(n_runs)
    start = 1_704_067_200.0  # 2024-01-01 UTC, one run every 97 s after it: ids never collide
    for i in range(n_runs):
        project = f"project{i % projects:02d}"
        name = f"exp{(i // projects) % names_per_project:02d}"
        created = start + 97 * i
        write_reference_run(partial, project, name, run_id_for(created, rng), created, rng, storage_dir=target)
    partial.rename(target)
    # Written last, into the final place: only a complete root is ever reused.
    _write(str(stamp), json.dumps({"runs": n_runs, "version": GENERATOR_VERSION}))
    return target
