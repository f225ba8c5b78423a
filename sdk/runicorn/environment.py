"""``capture_env=True``: what the run ran on, written to environment.json in the background.

Collected: git commit/branch/dirty state/remote (absent outside a repository), Python version and
executable, platform, hostname, CPU count, total memory, installed packages (name -> version), and
a GPU list from ``nvidia-smi -L`` when that tool exists. Every external command has a short
timeout, and all of it runs on a daemon thread so ``init()`` does not wait for it.
Remote URLs are stripped of credentials (``https://user:token@host`` -> ``https://host``).
"""

from __future__ import annotations

import os
import platform
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

from . import layout
from .diskguard import DiskGuard
from .jsonio import atomic_write_json

COMMAND_TIMEOUT = 3.0
_GPU_LINE = re.compile(r"^GPU\s+(\d+):\s*(.*?)\s*(?:\(UUID:\s*([^)]+)\))?\s*$")


def _run(args: list[str], cwd: str | None = None) -> str | None:
    """stdout of a command, or None when it is missing, fails or takes too long."""
    try:
        proc = subprocess.run(
            args,
            cwd=cwd,
            capture_output=True,
            text=True,
            timeout=COMMAND_TIMEOUT,
            stdin=subprocess.DEVNULL,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return proc.stdout if proc.returncode == 0 else None


def strip_credentials(url: str) -> str:
    """A remote URL without the ``user:password@`` part that tokens often hide in."""
    return re.sub(r"^([a-zA-Z][a-zA-Z0-9+.-]*://)[^/@]+@", r"\1", url.strip())


def git_info(cwd: str | None = None) -> dict[str, Any] | None:
    """Commit, branch, dirty state and origin of the repository around ``cwd``; None if none."""
    if shutil.which("git") is None:
        return None
    inside = _run(["git", "rev-parse", "--is-inside-work-tree"], cwd)
    if not inside or inside.strip() != "true":
        return None
    info: dict[str, Any] = {}
    commit = _run(["git", "rev-parse", "HEAD"], cwd)
    if commit:
        info["commit"] = commit.strip()
    branch = _run(["git", "rev-parse", "--abbrev-ref", "HEAD"], cwd)
    if branch:
        info["branch"] = branch.strip()
    status = _run(["git", "status", "--porcelain"], cwd)
    if status is not None:
        changed = [line for line in status.splitlines() if line.strip()]
        info["has_changes"] = bool(changed)
        info["changed_files_count"] = len(changed)
    remote = _run(["git", "remote", "get-url", "origin"], cwd)
    if remote:
        info["remote"] = strip_credentials(remote)
    root = _run(["git", "rev-parse", "--show-toplevel"], cwd)
    if root:
        info["root"] = root.strip()
    return info


def installed_packages() -> dict[str, str]:
    """Distribution name -> version for everything importlib.metadata can see."""
    from importlib import metadata

    packages: dict[str, str] = {}
    for dist in metadata.distributions():
        try:
            name = dist.metadata["Name"]
        except Exception:  # a broken dist-info: leave that one out
            name = None
        if name and name not in packages:
            packages[name] = dist.version
    return dict(sorted(packages.items(), key=lambda kv: kv[0].lower()))


def memory_total_bytes() -> int | None:
    try:
        return int(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES"))
    except (AttributeError, ValueError, OSError):
        return None


def parse_nvidia_smi_list(text: str) -> list[dict[str, Any]]:
    """``nvidia-smi -L`` lines (``GPU 0: NAME (UUID: GPU-...)``) as dicts."""
    gpus = []
    for line in text.splitlines():
        match = _GPU_LINE.match(line.strip())
        if match:
            gpu: dict[str, Any] = {"index": int(match.group(1)), "name": match.group(2)}
            if match.group(3):
                gpu["uuid"] = match.group(3).strip()
            gpus.append(gpu)
    return gpus


def gpu_info() -> list[dict[str, Any]] | None:
    if shutil.which("nvidia-smi") is None:
        return None
    out = _run(["nvidia-smi", "-L"])
    return parse_nvidia_smi_list(out) if out is not None else None


def capture_environment(cwd: str | None = None) -> dict[str, Any]:
    """Everything environment.json holds, as a dict (keys absent when unknown)."""
    uname = platform.uname()
    env: dict[str, Any] = {
        "captured_at": time.time(),
        "python_version": platform.python_version(),
        "python_executable": sys.executable,
        "python_implementation": platform.python_implementation(),
        "platform": platform.platform(),
        "platform_details": {
            "system": uname.system,
            "release": uname.release,
            "version": uname.version,
            "machine": uname.machine,
        },
        "hostname": socket.gethostname(),
        "cpu_count": os.cpu_count(),
    }
    memory = memory_total_bytes()
    if memory:
        env["memory_total_bytes"] = memory
    for var in ("CONDA_DEFAULT_ENV", "VIRTUAL_ENV"):
        if os.environ.get(var):
            env[var.lower()] = os.environ[var]
    git = git_info(cwd)
    if git is not None:
        env["git_info"] = git
    gpus = gpu_info()
    if gpus is not None:
        env["gpu_info"] = gpus
    try:
        env["packages"] = installed_packages()
    except Exception:
        env["packages"] = {}
    return env


def start_capture(run_dir: Path, cwd: str | None = None, disk: DiskGuard | None = None) -> threading.Thread:
    """Capture on a daemon thread and write ``run_dir/environment.json``; join it to wait."""
    guard = disk if disk is not None else DiskGuard(run_dir)

    def work() -> None:
        try:
            env = capture_environment(cwd)
            guard.attempt(layout.ENVIRONMENT_FILE, lambda: atomic_write_json(run_dir / layout.ENVIRONMENT_FILE, env))
        except Exception:  # environment info is a nicety; never disturb the run for it
            import logging

            logging.getLogger("runicorn").warning("runicorn: environment capture failed", exc_info=True)

    thread = threading.Thread(target=work, name="runicorn-environment", daemon=True)
    thread.start()
    return thread
