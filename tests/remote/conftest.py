"""A second real sshd for the remote tests, whose sessions see a temporary HOME.

``SetEnv HOME=...`` in its config points ``~`` of every login at a folder of the test session,
so the "remote" Python environments (``~/.venvs/...``), the remote viewer's index database and
config live there and never in the real home. Password logins use the shared fixture's account.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from rest_framework.test import APIClient

from apps.remote import connections, known_hosts
from tests.fixtures.sshd import SshServer, start_sshd, stop_sshd

VENV_NAME = "rn-e2e"


def make_remote_venv(home: Path) -> Path:
    """A real venv in ``~/.venvs`` that sees this project's packages (SDK + viewer) through a .pth."""
    venv = home / ".venvs" / VENV_NAME
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    site_packages = next((venv / "lib").glob("python3*/site-packages"))
    project = next(p for p in sys.path if p.endswith("site-packages") and Path(p).is_relative_to(sys.prefix))
    # addsitedir, not a plain path line: the project's editable installs are .pth files themselves.
    (site_packages / "runicorn-project.pth").write_text(f"import site; site.addsitedir({project!r})\n")
    return venv


@pytest.fixture(scope="session")
def remote_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("remote-home")
    make_remote_venv(home)
    # A pyenv version as pyenv lays it out, pointing at the interpreter running these tests.
    version = home / ".pyenv" / "versions" / "3.11-test"
    (version / "bin").mkdir(parents=True)
    (version / "bin" / "python").symlink_to(Path(sys.base_prefix) / "bin" / "python3")
    return home


@pytest.fixture(scope="session")
def remote_sshd(sshd: SshServer, remote_home: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[SshServer]:
    server = start_sshd(tmp_path_factory.mktemp("remote-sshd"), (f"SetEnv HOME={remote_home}",))
    server._password = sshd._password  # one password for the shared test account
    yield server
    stop_sshd(server)


@pytest.fixture
def config_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "xdg-config"
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home))
    return home / "runicorn"


@pytest.fixture
def client() -> APIClient:
    return APIClient()


@pytest.fixture
def no_connections_left() -> Iterator[None]:
    yield
    connections.shutdown()


def trust(server: SshServer) -> None:
    """Record the server's real host key, as a user confirming the fingerprint would."""
    key = server.host_key()
    blob = key.asbytes()
    known_hosts.accept(server.host, server.port, f"{key.get_name()} {key.get_base64()}",
                       known_hosts.fingerprint_of(blob))


def key_body(server: SshServer, **extra: object) -> dict[str, object]:
    return {"host": server.host, "port": server.port, "username": server.user, "auth_method": "key",
            "private_key_path": str(server.key_path), "timeout": 10, **extra}


def session_pids(server: SshServer) -> list[int]:
    """The per-connection processes of ``server`` (its master's descendants), from /proc."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
            children.setdefault(ppid, []).append(int(entry))
    found, queue = [], list(children.get(server.process.pid, []))
    while queue:
        pid = queue.pop()
        found.append(pid)
        queue.extend(children.get(pid, []))
    return found


def kill_sessions(server: SshServer) -> None:
    """Cut every SSH session of ``server`` the hard way (as a crash or a dropped link would)."""
    for pid in session_pids(server):
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:  # a zombie has exited: it only waits for its parent
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False
