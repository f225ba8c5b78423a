"""The viewer's live SSH connections, by connection id, and their cleanup at exit.

A connection id is derived from ``user@host:port`` (``conn_`` + 8 hex), so connecting again to the
same target — after the link dropped, say — lands on the same entry: its environments cache and
its remote viewer stay, and the local tunnel carries on over the new transport. In the team
profile every connection belongs to the signed-in user who opened it: the id includes the owner,
and another user neither sees it listed nor reaches it by id.
"""

from __future__ import annotations

import atexit
import hashlib
import logging
import re
import threading
import time
from datetime import UTC, datetime
from typing import Any

import paramiko
from django.conf import settings

from apps.accounts.owner import current_owner_id

from . import errors
from .environments import Environment
from .ssh import Credentials, Target, open_transport, run

log = logging.getLogger(__name__)

ID_PATTERN = re.compile(r"^conn_[0-9a-f]{8}$")
SERVER_INFO = (
    "uname -n; uname -s; uname -r; "
    "python3 -c 'import platform; print(platform.python_version())' 2>/dev/null || echo"
)


def iso(ts: float | None) -> str | None:
    return datetime.fromtimestamp(ts, UTC).isoformat(timespec="seconds").replace("+00:00", "Z") if ts else None


def connection_id(target: Target, owner: int | None = None) -> str:
    scope = str(target) if owner is None else f"user {owner}: {target}"
    return "conn_" + hashlib.sha256(scope.encode()).hexdigest()[:8]


class RemoteConnection:
    def __init__(self, cid: str, target: Target, auth_method: str, transport: paramiko.Transport,
                 server_info: dict[str, str], owner: int | None = None) -> None:
        self.id = cid
        self.owner = owner
        self.target = target
        self.auth_method = auth_method
        self._transport: paramiko.Transport | None = transport
        self.server_info = server_info
        self.created_at = self.connected_at = time.time()
        self.last_ping: float | None = None
        # Held while the remote viewer starts or stops: a second start meets 409, not a race.
        self.lock = threading.RLock()
        self.environments: list[Environment] | None = None
        self.detected_at: float | None = None
        self.viewer: Any = None  # apps.remote.viewer.RemoteViewer while one runs
        self.starting = False

    def transport(self) -> paramiko.Transport | None:
        return self._transport

    def is_connected(self) -> bool:
        transport = self._transport
        return transport is not None and transport.is_active() and transport.is_authenticated()

    def require_transport(self) -> paramiko.Transport:
        transport = self._transport
        if transport is None or not transport.is_active():
            raise errors.disconnected(self.id)
        return transport

    def replace_transport(self, transport: paramiko.Transport, server_info: dict[str, str]) -> None:
        old, self._transport = self._transport, transport
        self.server_info = server_info
        self.connected_at = time.time()
        if old is not None and old is not transport:
            old.close()

    def close(self) -> None:
        transport, self._transport = self._transport, None
        if transport is not None:
            transport.close()

    def summary(self) -> dict[str, Any]:
        from .viewer import brief  # the viewer module needs this one: import late

        return {
            "connection_id": self.id,
            "host": self.target.host,
            "port": self.target.port,
            "username": self.target.username,
            "auth_method": self.auth_method,
            "status": "connected" if self.is_connected() else "disconnected",
            "created_at": iso(self.created_at),
            "connected_at": iso(self.connected_at),
            "last_ping": iso(self.last_ping),
            "server_info": self.server_info,
            "viewer": brief(self.viewer),
        }


_connections: dict[str, RemoteConnection] = {}
_lock = threading.Lock()
_atexit_registered = False


def _server_info(transport: paramiko.Transport) -> dict[str, str]:
    try:
        lines = run(transport, SERVER_INFO, timeout=15).stdout.splitlines()
    except errors.RemoteError as exc:
        log.info("could not read the server's system info: %s", exc.message)
        lines = []
    lines += [""] * (4 - len(lines))
    return {"hostname": lines[0].strip(), "os": lines[1].strip(), "kernel": lines[2].strip(),
            "python_version": lines[3].strip()}


def connect(target: Target, creds: Credentials, timeout: float) -> tuple[RemoteConnection, bool]:
    """Open (or re-open) the connection to ``target``; returns it and whether it existed before."""
    transport = open_transport(target, creds, timeout=timeout, keepalive=settings.RUNICORN_SSH_KEEPALIVE_SECONDS)
    info = _server_info(transport)
    owner = current_owner_id()
    cid = connection_id(target, owner)
    with _lock:
        _register_cleanup()
        existing = _connections.get(cid)
        if existing is not None:
            existing.auth_method = creds.auth_method
            existing.replace_transport(transport, info)
            log.info("reconnected %s (%s)", cid, target)
            return existing, True
        connection = RemoteConnection(cid, target, creds.auth_method, transport, info, owner)
        _connections[cid] = connection
    log.info("connected %s (%s) with %s authentication", cid, target, creds.auth_method)
    return connection, False


def get(cid: Any) -> RemoteConnection:
    if not isinstance(cid, str) or not cid:
        raise errors.invalid("connection_id is required")
    if not ID_PATTERN.match(cid):
        raise errors.connection_not_found(cid[:64])
    with _lock:
        connection = _connections.get(cid)
    if connection is None or connection.owner != current_owner_id():
        raise errors.connection_not_found(cid)
    return connection


def all_connections() -> list[RemoteConnection]:
    """The caller's connections (all of them outside a signed-in request, e.g. at exit)."""
    owner = current_owner_id()
    with _lock:
        return [c for c in _connections.values() if owner is None or c.owner == owner]


def _every_connection() -> list[RemoteConnection]:
    with _lock:
        return list(_connections.values())


def disconnect(cid: str, cleanup_viewer: bool = True) -> dict[str, bool]:
    """Close the connection; with ``cleanup_viewer`` its remote viewer is stopped and removed first."""
    return _disconnect(get(cid), cleanup_viewer)


def _disconnect(connection: RemoteConnection, cleanup_viewer: bool) -> dict[str, bool]:
    from . import viewer

    cid = connection.id
    with connection.lock:
        performed = {"ssh_tunnel": False, "remote_viewer": False, "temp_files": False}
        if connection.viewer is not None:
            if cleanup_viewer and connection.is_connected():
                try:
                    outcome = viewer.stop(connection, cleanup=True)
                    performed.update(remote_viewer=True, temp_files=True, ssh_tunnel=True)
                    log.info("remote viewer of %s: %s", cid, outcome["process"])
                except errors.RemoteError as exc:
                    log.warning("could not stop the remote viewer of %s: %s", cid, exc.message)
            if connection.viewer is not None:  # not cleaned up: at least close our end of the tunnel
                connection.viewer.forward.stop()
                connection.viewer = None
                performed["ssh_tunnel"] = True
        connection.close()
    with _lock:
        _connections.pop(cid, None)
    log.info("disconnected %s", cid)
    return performed


def shutdown() -> None:
    """Stop every remote viewer we started, close tunnels and connections (viewer exit)."""
    for connection in _every_connection():
        try:
            _disconnect(connection, cleanup_viewer=True)
        except Exception:  # at exit: clean up what can be, whatever else fails
            log.exception("cleanup of %s failed", connection.id)


def _register_cleanup() -> None:
    global _atexit_registered
    if not _atexit_registered:
        atexit.register(shutdown)  # daphne exits normally on SIGTERM/SIGINT, so this runs then too
        _atexit_registered = True
