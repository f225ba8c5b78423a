"""The remote viewer: ``runicorn viewer`` started on the server's loopback, reached through a tunnel.

Start: one script picks a free port on the server, starts the viewer there with ``nohup`` in its
own session (``setsid``; pid file and log in a private ``mktemp -d`` folder), then we wait until it
answers ``/api/health`` through an SSH channel and open a local forward to it. Stop kills the
process group (TERM, then KILL after 5 s) after checking the pid is still a runicorn process,
and removes the folder.
"""

from __future__ import annotations

import logging
import shlex
import socket
import time
from dataclasses import dataclass
from typing import Any

import paramiko
from django.conf import settings

from . import errors
from .connections import RemoteConnection, iso
from .environments import Environment
from .ssh import run
from .tunnel import LocalForward

log = logging.getLogger(__name__)

START_SCRIPT = r'''
py=$1; root=$2
case "$root" in "~") root=$HOME ;; "~/"*) root="$HOME/${root#\~/}" ;; esac
mkdir -p "$root" || { printf 'RNFAIL\tcannot create the storage root %s\n' "$root"; exit 3; }
dir=$(mktemp -d "${TMPDIR:-/tmp}/runicorn-viewer.XXXXXX") || { printf 'RNFAIL\tmktemp failed\n'; exit 3; }
port=$("$py" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])') \
  || { printf 'RNFAIL\t%s cannot run\n' "$py"; rm -rf "$dir"; exit 3; }
if command -v setsid >/dev/null 2>&1; then SETSID=setsid; else SETSID=; fi
cd "$dir" || exit 3
RUNICORN_DIR=$root PYTHONUNBUFFERED=1 nohup $SETSID "$py" -m runicorn viewer --host 127.0.0.1 --port "$port" \
  --storage "$root" >"$dir/viewer.log" 2>&1 </dev/null &
pid=$!
echo "$pid" >"$dir/viewer.pid"
printf 'RNVIEWER\t%s\t%s\t%s\t%s\n' "$port" "$pid" "$dir" "$root"
'''

# "alive" only when the pid is still a runicorn process (pids get reused).
ALIVE_SCRIPT = r'''
if kill -0 "$1" 2>/dev/null; then
  if (ps -o args= -p "$1" 2>/dev/null || echo runicorn) | grep -q runicorn; then echo alive; else echo other; fi
else echo dead; fi
'''

STOP_SCRIPT = r'''
pid=$1; dir=$2; cleanup=$3; outcome=gone
if kill -0 "$pid" 2>/dev/null && (ps -o args= -p "$pid" 2>/dev/null || echo runicorn) | grep -q runicorn; then
  kill -TERM "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null
  i=0
  while kill -0 "$pid" 2>/dev/null && [ "$i" -lt 50 ]; do sleep 0.1; i=$((i+1)); done
  if kill -0 "$pid" 2>/dev/null; then kill -KILL "-$pid" 2>/dev/null || kill -KILL "$pid"; outcome=killed
  else outcome=stopped; fi
fi
if [ "$cleanup" = 1 ]; then case "$dir" in */runicorn-viewer.*) rm -rf -- "$dir" ;; esac; fi
echo "$outcome"
'''


# Run by the environment's Python on the server: wait for the viewer's /api/health to answer 200.
# Prints ready, dead (the process is gone or a zombie) or timeout.
WAIT_PROBE = r'''
import os, socket, sys, time
port, pid, limit = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3])
deadline = time.time() + limit
def gone():
    try:
        os.kill(pid, 0)
    except OSError as exc:
        return exc.errno == 3
    try:
        with open("/proc/%d/stat" % pid) as fh:
            return fh.read().rsplit(")", 1)[1].split()[0] == "Z"
    except (OSError, IndexError):
        return False
while time.time() < deadline:
    if gone():
        print("dead")
        sys.exit(0)
    try:
        sock = socket.create_connection(("127.0.0.1", port), timeout=2)
        sock.sendall(b"GET /api/health HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n")
        head = sock.recv(64)
        sock.close()
        if head.split(b" ")[1:2] == [b"200"]:
            print("ready")
            sys.exit(0)
    except (OSError, IndexError):
        pass
    time.sleep(0.1)
print("timeout")
'''


@dataclass
class RemoteViewer:
    env_name: str
    python_path: str
    remote_root: str
    remote_port: int
    pid: int
    state_dir: str
    forward: LocalForward
    started_at: float
    auto_open: bool

    @property
    def log_path(self) -> str:
        return f"{self.state_dir}/viewer.log"


def brief(viewer: RemoteViewer | None) -> dict[str, Any] | None:
    if viewer is None:
        return None
    return {"status": "running" if viewer.forward.is_alive() else "stopped", "local_port": viewer.forward.local_port,
            "remote_port": viewer.remote_port, "url": viewer.forward.url}


def describe(viewer: RemoteViewer) -> dict[str, Any]:
    return {
        **(brief(viewer) or {}),
        "remote_root": viewer.remote_root,
        "env_name": viewer.env_name,
        "python_path": viewer.python_path,
        "pid": viewer.pid,
        "started_at": iso(viewer.started_at),
        "auto_open": viewer.auto_open,
    }


def session(connection: RemoteConnection, viewer: RemoteViewer) -> dict[str, Any]:
    """A running remote viewer as the reference web UI lists it (camelCase; times in ms)."""
    alive = viewer.forward.is_alive()
    return {
        "sessionId": connection.id,
        "host": connection.target.host,
        "sshPort": connection.target.port,
        "username": connection.target.username,
        "localPort": viewer.forward.local_port,
        "remotePort": viewer.remote_port,
        "remoteRoot": viewer.remote_root,
        "remotePid": viewer.pid,
        "status": "running" if alive and connection.is_connected() else "stopped",
        "startedAt": int(viewer.started_at * 1000),
        "uptimeSeconds": int(time.time() - viewer.started_at),
        "isActive": alive,
        "url": viewer.forward.url,
    }


def _script(script: str, *args: object) -> str:
    return "sh -s -- " + " ".join(shlex.quote(str(a)) for a in args)


def _http_status(sock: Any, timeout: float = 5.0) -> int | None:
    """Send GET /api/health on an open socket or channel; the status code, or None."""
    sock.settimeout(timeout)
    try:
        sock.sendall(b"GET /api/health HTTP/1.0\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        head = b""
        while b"\r\n" not in head and len(head) < 4096:
            chunk = sock.recv(4096)
            if not chunk:
                break
            head += chunk
    except (OSError, EOFError, paramiko.SSHException):
        return None
    parts = head.split(b" ", 2)
    return int(parts[1]) if len(parts) >= 2 and parts[1].isdigit() else None


def _answers_over_ssh(transport: paramiko.Transport, port: int) -> bool:
    try:
        channel = transport.open_channel("direct-tcpip", ("127.0.0.1", port), ("127.0.0.1", 0), timeout=5)
    except (paramiko.SSHException, EOFError, OSError):
        return False  # nothing listens there (yet)
    try:
        return _http_status(channel) == 200
    finally:
        channel.close()


def _answers_locally(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
            return _http_status(sock) == 200
    except OSError:
        return False


def process_state(transport: paramiko.Transport, pid: int) -> str:
    """alive | dead | other (the pid now belongs to something else)."""
    return run(transport, _script(ALIVE_SCRIPT, pid), stdin=ALIVE_SCRIPT, timeout=15).stdout.strip() or "dead"


def _tail(transport: paramiko.Transport, path: str, lines: int) -> list[str]:
    result = run(transport, f"tail -n {int(lines)} {shlex.quote(path)}", timeout=15)
    return result.stdout.splitlines() if result.rc == 0 else []


def _kill(transport: paramiko.Transport, pid: int, state_dir: str, cleanup: bool) -> str:
    result = run(transport, _script(STOP_SCRIPT, pid, state_dir, 1 if cleanup else 0), stdin=STOP_SCRIPT, timeout=30)
    return result.stdout.strip().splitlines()[-1] if result.stdout.strip() else "unknown"


def _launch(transport: paramiko.Transport, env: Environment, remote_root: str) -> tuple[int, int, str, str]:
    result = run(transport, _script(START_SCRIPT, env.python_path, remote_root), stdin=START_SCRIPT, timeout=60)
    for line in result.stdout.splitlines():
        fields = line.split("\t")
        if fields[0] == "RNVIEWER" and len(fields) == 5 and fields[1].isdigit() and fields[2].isdigit():
            return int(fields[1]), int(fields[2]), fields[3], fields[4]
        if fields[0] == "RNFAIL":
            raise errors.RemoteError(502, "viewer_start_failed", f"Cannot start the remote viewer: {fields[-1]}")
    raise errors.RemoteError(502, "viewer_start_failed",
                             f"Cannot start the remote viewer (exit {result.rc}): {result.stderr.strip()[-500:]}")


def _wait_until_ready(transport: paramiko.Transport, env: Environment, port: int, pid: int, state_dir: str) -> None:
    """One round trip: the server itself polls the new viewer until it answers (or dies, or time runs out)."""
    limit = settings.RUNICORN_REMOTE_VIEWER_START_SECONDS
    command = " ".join(shlex.quote(str(a)) for a in (env.python_path, "-c", WAIT_PROBE, port, pid, limit))
    outcome = run(transport, command, timeout=limit + 30).stdout.strip().rsplit("\n", 1)[-1]
    forwarded = outcome == "ready" and _answers_over_ssh(transport, port)
    if forwarded:
        return
    tail = "\n".join(_tail(transport, f"{state_dir}/viewer.log", 20))
    _kill(transport, pid, state_dir, cleanup=True)
    if outcome == "ready":
        raise errors.RemoteError(502, "viewer_start_failed", "The remote viewer runs but the SSH server refuses to "
                                 "forward a port to it (is AllowTcpForwarding off in its sshd_config?)")
    if outcome == "timeout":
        raise errors.RemoteError(504, "viewer_start_timeout",
                                 f"The remote viewer did not answer within {limit:g} s:\n{tail}")
    raise errors.RemoteError(502, "viewer_start_failed", f"The remote viewer exited during start:\n{tail}")


def start(connection: RemoteConnection, env: Environment, remote_root: str | None, *, auto_open: bool = True,
          local_port: int = 0) -> RemoteViewer:
    if not env.runicorn_installed or not env.viewer_installed:
        missing = "runicorn" if not env.runicorn_installed else "the runicorn viewer"
        raise errors.invalid(f"{missing} is not installed in environment {env.name!r}; install it with "
                             f"`{env.python_path} -m pip install runicorn`")
    with connection.lock:
        if connection.viewer is not None or connection.starting:
            raise errors.RemoteError(409, "viewer_already_running",
                                     f"A remote viewer already runs for {connection.id}; stop it first")
        connection.starting = True
    try:
        transport = connection.require_transport()
        port, pid, state_dir, root = _launch(transport, env, remote_root or env.storage_root)
        log.info("remote viewer of %s started: pid %d, port %d, root %s", connection.id, pid, port, root)
        _wait_until_ready(transport, env, port, pid, state_dir)
        try:
            forward = LocalForward(connection.transport, port, local_port, name=f"tunnel-{connection.id}")
        except OSError as exc:
            _kill(transport, pid, state_dir, cleanup=True)
            raise errors.invalid(f"Cannot listen on local port {local_port}: {exc.strerror or exc}") from None
        viewer = RemoteViewer(env.name, env.python_path, root, port, pid, state_dir, forward, time.time(), auto_open)
        with connection.lock:
            connection.viewer = viewer
        log.info("remote viewer of %s ready at %s", connection.id, forward.url)
        return viewer
    finally:
        connection.starting = False


def stop(connection: RemoteConnection, cleanup: bool = True) -> dict[str, Any]:
    with connection.lock:
        viewer = connection.viewer
        if viewer is None:
            raise errors.viewer_not_running(connection.id)
        transport = connection.require_transport()  # without it the process cannot be stopped: keep the record
        viewer.forward.stop()
        outcome = _kill(transport, viewer.pid, viewer.state_dir, cleanup)
        connection.viewer = None
    log.info("remote viewer of %s (pid %d): %s", connection.id, viewer.pid, outcome)
    return {"process": outcome, "stopped_at": iso(time.time())}


def status(connection: RemoteConnection) -> dict[str, Any]:
    viewer = connection.viewer
    if viewer is None:
        return {"status": "stopped" if not connection.starting else "starting"}
    described = describe(viewer)
    described["uptime_seconds"] = int(time.time() - viewer.started_at)
    if not connection.is_connected():
        return {**described, "status": "disconnected", "health": "unhealthy"}
    healthy = viewer.forward.is_alive() and _answers_over_ssh(connection.require_transport(), viewer.remote_port)
    return {**described, "health": "healthy" if healthy else "unhealthy"}


def logs(connection: RemoteConnection, lines: int) -> list[str]:
    viewer = connection.viewer
    if viewer is None:
        raise errors.viewer_not_running(connection.id)
    return _tail(connection.require_transport(), viewer.log_path, lines)


def health(connection: RemoteConnection) -> tuple[dict[str, str], dict[str, str]]:
    """Each check pass/fail, and for each failure the reason in words."""
    checks = {"ssh_connection": "fail", "viewer_process": "fail", "tunnel_active": "fail"}
    reasons: dict[str, str] = {}
    transport = connection.transport()
    if connection.is_connected() and transport is not None:
        from .ssh import round_trip

        try:
            round_trip(transport, timeout=5)
            connection.last_ping = time.time()
            checks["ssh_connection"] = "pass"
        except errors.RemoteError as exc:
            reasons["ssh_connection"] = exc.message
    else:
        reasons["ssh_connection"] = "the SSH connection is closed; POST /api/remote/connect to reconnect"
    viewer = connection.viewer
    if viewer is None:
        reasons["viewer_process"] = reasons["tunnel_active"] = "no remote viewer is running"
        return checks, reasons
    if checks["ssh_connection"] == "pass" and transport is not None:
        try:
            state = process_state(transport, viewer.pid)
        except errors.RemoteError as exc:
            state = exc.message
        if state == "alive":
            checks["viewer_process"] = "pass"
        else:
            reasons["viewer_process"] = f"process {viewer.pid}: {state}"
    else:
        reasons["viewer_process"] = "unknown: the server cannot be asked without the SSH connection"
    if viewer.forward.is_alive() and _answers_locally(viewer.forward.local_port):
        checks["tunnel_active"] = "pass"
    else:
        reasons["tunnel_active"] = f"{viewer.forward.url}/api/health does not answer through the tunnel"
    return checks, reasons
