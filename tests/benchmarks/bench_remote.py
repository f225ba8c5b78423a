"""Remote servers over a real sshd on 127.0.0.1: environment detection and remote viewer start.

Measured on one SSH connection to a server whose HOME holds a virtualenv with this project (SDK +
viewer), a pyenv version and a conda layout (base + one env):
  * environment detection: wall time and SSH command round trips (channels opened), ours against
    the reference's RemoteEnvironmentDetector (runicorn==0.5.3, when installed) on the same server.
    They do not find the same things: the reference looks for conda through a `conda` executable
    and otherwise reports the system python only; the count of environments found is reported;
  * our remote viewer: start (process up, health answered, tunnel open) and stop, medians.

    .venv/bin/python -m tests.benchmarks.bench_remote [--repeat 5]
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

REF_TIMEOUT = 120

# Run by the reference's interpreter: its detector on its own connection, exec calls counted.
REF_CHILD = r"""
import json, sys, time
from runicorn.remote.connection import SSHConfig, SSHConnection
from runicorn.remote.environment import RemoteEnvironmentDetector
host, port, user, key, repeat = sys.argv[1:6]
conn = SSHConnection(SSHConfig(host=host, port=int(port), username=user, private_key_path=key, use_agent=False))
conn.connect()
calls = [0]; orig = conn.exec_command
def counted(*a, **k):
    calls[0] += 1
    return orig(*a, **k)
conn.exec_command = counted
times = []
for _ in range(int(repeat)):
    calls[0] = 0
    t = time.perf_counter(); envs = RemoteEnvironmentDetector(conn).detect_all_environments()
    times.append(time.perf_counter() - t)
print(json.dumps({"seconds": sorted(times)[len(times) // 2], "round_trips": calls[0], "found": len(envs)}))
"""


def _ref_python() -> Path | None:
    for candidate in (os.environ.get("REF_PYTHON"), REPO_ROOT / ".cache/ref/bin/python", "/tmp/ref/bin/python"):
        if candidate and Path(candidate).exists():
            return Path(candidate)
    return None


def _ref_detect(server: Any, repeat: int) -> dict[str, Any] | str:
    python = _ref_python()
    if python is None:
        return "reference not installed"
    done = subprocess.run(
        [str(python), "-c", REF_CHILD, server.host, str(server.port), server.user, str(server.key_path), str(repeat)],
        capture_output=True, text=True, timeout=REF_TIMEOUT,
    )
    if done.returncode != 0:
        return f"failed: {done.stderr.strip().splitlines()[-1] if done.stderr.strip() else done.returncode}"
    return json.loads(done.stdout.strip().splitlines()[-1])


def _remote_home(home: Path) -> None:
    from tests.remote.conftest import make_remote_venv

    make_remote_venv(home)
    python = Path(sys.base_prefix) / "bin" / "python3"
    conda = home / "miniconda3"
    for prefix in (home / ".pyenv" / "versions" / "3.11-bench", conda, conda / "envs" / "x"):
        (prefix / "bin").mkdir(parents=True)
        (prefix / "bin" / "python").symlink_to(python)
    for prefix in (conda, conda / "envs" / "x"):
        (prefix / "conda-meta").mkdir()


def main(repeat: int = 5) -> dict[str, Any]:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "runicorn_site.settings")
    work = Path(tempfile.mkdtemp(prefix="bench-remote-"))
    os.environ["XDG_CONFIG_HOME"] = str(work / "xdg")  # our known_hosts, not the user's
    import django

    django.setup()
    from apps.remote import connections, environments, services
    from apps.remote.ssh import Credentials, Target
    from tests.fixtures.sshd import SSHD, start_sshd, stop_sshd
    from tests.remote.conftest import VENV_NAME, trust

    if not Path(SSHD).exists():
        raise RuntimeError(f"{SSHD} is missing: make system-deps")
    home = work / "home"
    _remote_home(home)
    (work / "sshd").mkdir()
    server = start_sshd(work / "sshd", (f"SetEnv HOME={home}",))
    result: dict[str, Any] = {"repeat": repeat}
    try:
        trust(server)
        connection, _ = connections.connect(Target(server.host, server.port, server.user),
                                            Credentials("key", str(server.key_path)), timeout=10)
        transport = connection.require_transport()
        opened = [0]
        original = transport.open_session

        def counting(*args: Any, **kwargs: Any) -> Any:
            opened[0] += 1
            return original(*args, **kwargs)

        transport.open_session = counting  # type: ignore[method-assign]
        times, found = [], 0
        for _ in range(repeat):
            opened[0] = 0
            start = time.perf_counter()
            found = len(environments.detect(transport))
            times.append(time.perf_counter() - start)
        result["detect"] = {"seconds": round(statistics.median(times), 3), "round_trips": opened[0], "found": found}
        result["ref_detect"] = _ref_detect(server, repeat)

        root = work / "remote-root"
        root.mkdir()
        starts, stops = [], []
        for _ in range(max(1, repeat // 2)):
            start = time.perf_counter()
            services.start_viewer({"connection_id": connection.id, "env_name": VENV_NAME, "remote_root": str(root)})
            starts.append(time.perf_counter() - start)
            start = time.perf_counter()
            services.stop_viewer({"connection_id": connection.id})
            stops.append(time.perf_counter() - start)
        result["viewer_start_seconds"] = round(statistics.median(starts), 2)
        result["viewer_stop_seconds"] = round(statistics.median(stops), 2)
    finally:
        connections.shutdown()
        stop_sshd(server)
        shutil.rmtree(work, ignore_errors=True)
    ours, ref = result["detect"], result["ref_detect"]
    summary: dict[str, Any] = {
        "detect (s / round trips / found)": f"{ours['seconds']} / {ours['round_trips']} / {ours['found']}",
        "remote viewer start / stop (s)": f"{result['viewer_start_seconds']} / {result['viewer_stop_seconds']}",
    }
    if isinstance(ref, dict):
        summary["reference detect (s / round trips / found)"] = (
            f"{ref['seconds']:.3f} / {ref['round_trips']} / {ref['found']}")
        summary["detect: reference / ours"] = round(ref["seconds"] / ours["seconds"], 2) if ours["seconds"] else None
    else:
        summary["reference detect"] = ref
    result["summary"] = summary
    return result


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    print(json.dumps(main(args.repeat), indent=2))
