"""The Remote API's operations on validated input, as plain functions (the views only route)."""

from __future__ import annotations

import logging
import shlex
import time
from typing import Any

from apps.config import ssh_connections
from apps.config.secrets import SecretUnreadable
from apps.config.validation import (
    InvalidField,
    clean_auth_method,
    clean_bool,
    clean_host,
    clean_port,
    clean_secret,
    clean_text,
    clean_username,
)

from . import connections, environments, errors, known_hosts, viewer
from .connections import RemoteConnection, iso
from .ssh import Credentials, Target, round_trip, run

log = logging.getLogger(__name__)

MAX_LOG_LINES = 10_000


def _field(call: Any, *args: Any, **kwargs: Any) -> Any:
    try:
        return call(*args, **kwargs)
    except InvalidField as exc:
        raise errors.invalid(str(exc)) from None


def _number(name: str, value: Any, default: float, low: float, high: float) -> float:
    if value is None or value == "":
        return default
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise errors.invalid(f"{name} must be a number") from None
    if isinstance(value, bool) or not low <= number <= high:
        raise errors.invalid(f"{name} must be between {low:g} and {high:g}")
    return number


def _saved_credentials(key: Any, body: dict[str, Any]) -> tuple[Target, Credentials]:
    if not isinstance(key, str) or not key or len(key) > 400:
        raise errors.invalid("saved_key must be the key of a saved connection (host:port@username)")
    try:
        saved = ssh_connections.credentials_for(key)
    except ssh_connections.ConnectionNotSaved:
        raise errors.RemoteError(404, "connection_not_found", f"No saved connection {key!r}") from None
    except SecretUnreadable as exc:
        raise errors.auth_failed(f"The saved secrets of {key!r} cannot be read: {exc}; save the connection again") \
            from None
    password = _field(clean_secret, "password", body.get("password")) or saved.password
    passphrase = _field(clean_secret, "passphrase", body.get("passphrase")) or saved.passphrase
    target = Target(saved.host, saved.port, saved.username)
    return target, Credentials(saved.auth_method, saved.private_key_path, password, saved.private_key, passphrase)


def _credentials(body: dict[str, Any]) -> tuple[Target, Credentials]:
    if body.get("saved_key") not in (None, ""):
        return _saved_credentials(body["saved_key"], body)
    target = Target(_field(clean_host, body.get("host")), _field(clean_port, body.get("port")),
                    _field(clean_username, body.get("username")))
    password = _field(clean_secret, "password", body.get("password"))
    # Both generations of the API: private_key / private_key_content, passphrase / key_passphrase.
    private_key = _field(clean_secret, "private_key", body.get("private_key") or body.get("private_key_content"))
    passphrase = _field(clean_secret, "passphrase", body.get("passphrase") or body.get("key_passphrase"))
    key_path = _field(clean_text, "private_key_path", body.get("private_key_path"), 4096) or None
    method = _field(clean_auth_method, body.get("auth_method"), password=password, private_key=private_key,
                    private_key_path=key_path)
    if method == "agent" and not _field(clean_bool, "use_agent", body.get("use_agent"), True):
        raise errors.invalid("No credentials: give a password, a private key, or allow the SSH agent (use_agent)")
    return target, Credentials(method, key_path, password, private_key, passphrase)


def connect(body: dict[str, Any]) -> dict[str, Any]:
    target, creds = _credentials(body)
    timeout = _number("timeout", body.get("timeout"), 30.0, 1.0, 300.0)
    connection, reconnected = connections.connect(target, creds, timeout)
    return {
        "success": True,
        "ok": True,
        **connection.summary(),
        "connected": connection.is_connected(),
        "reconnected": reconnected,
    }


def list_connections() -> dict[str, Any]:
    items = [c.summary() for c in connections.all_connections()]
    return {"success": True, "connections": items, "total": len(items)}


def disconnect(cid: str, cleanup_viewer: Any) -> dict[str, Any]:
    performed = connections.disconnect(cid, _field(clean_bool, "cleanup_viewer", cleanup_viewer, True))
    return {"success": True, "message": "Connection disconnected successfully", "connection_id": cid,
            "cleanup_performed": performed}


def _environments(connection: RemoteConnection, refresh: bool = False) -> list[environments.Environment]:
    if refresh or connection.environments is None:
        found = environments.detect(connection.require_transport())
        connection.environments, connection.detected_at = found, time.time()
    return connection.environments


def list_environments(cid: Any, filter_: Any) -> dict[str, Any]:
    if filter_ not in (None, "", "all", "runicorn_only"):
        raise errors.invalid("filter must be 'all' or 'runicorn_only'")
    connection = connections.get(cid)
    envs = _environments(connection)
    if filter_ == "runicorn_only":
        envs = [e for e in envs if e.runicorn_installed]
    return {"success": True, "connection_id": connection.id, "environments": [e.as_dict() for e in envs],
            "total": len(envs), "detection_time": iso(connection.detected_at)}


def detect_environments(body: dict[str, Any]) -> dict[str, Any]:
    connection = connections.get(body.get("connection_id"))
    _field(clean_bool, "force_refresh", body.get("force_refresh"), True)  # detection here always refreshes
    envs = _environments(connection, refresh=True)
    return {"success": True, "message": "Environments detected successfully", "connection_id": connection.id,
            "environments_found": len(envs), "environments": [e.as_dict() for e in envs],
            "detection_time": iso(connection.detected_at)}


def _env(connection: RemoteConnection, name: Any) -> environments.Environment:
    if not isinstance(name, str) or not name:
        raise errors.invalid("env_name is required (a name from GET /api/remote/environments)")
    return environments.find(_environments(connection), name)


def remote_config(cid: Any, env_name: Any) -> dict[str, Any]:
    connection = connections.get(cid)
    env = _env(connection, env_name)
    # Fresh in one round trip: the environment's config as it is now, and a free port there.
    command = (f"{shlex.quote(env.python_path)} -c {shlex.quote(environments.PROBE)} "
               f"{shlex.quote(env.type)} {shlex.quote(env.name)} {shlex.quote(env.python_path)}; "
               + environments.free_port_command(env.python_path))
    result = run(connection.require_transport(), command, timeout=60)
    fresh = environments.parse(result.stdout)
    if not fresh:
        raise errors.ssh_error(f"The interpreter {env.python_path} did not answer: {result.stderr.strip()[-300:]}")
    current = fresh[0]
    port_line = result.stdout.strip().splitlines()[-1]
    return {
        "success": True,
        "connection_id": connection.id,
        "env_name": env.name,
        "config": {
            "user_root_dir": current.user_root_dir,
            "storage_root": current.storage_root,
            "storage_root_source": current.storage_root_source,
            "config_file": current.config_file,
            "viewer_port": int(port_line) if port_line.isdigit() else None,
        },
        "runicorn_version": current.runicorn_version,
        "python_version": current.python_version,
        "python_path": current.python_path,
    }


def start_viewer(body: dict[str, Any]) -> dict[str, Any]:
    connection = connections.get(body.get("connection_id"))
    remote_root = _field(clean_text, "remote_root", body.get("remote_root"), 4096).strip() or None
    if remote_root and not (remote_root.startswith("/") or remote_root == "~" or remote_root.startswith("~/")):
        raise errors.invalid("remote_root must be an absolute path on the server (or start with ~/)")
    auto_open = _field(clean_bool, "auto_open", body.get("auto_open"), True)
    local_port = int(_number("local_port", body.get("local_port"), 0, 0, 65535))
    env = _env(connection, body.get("env_name"))
    started = viewer.start(connection, env, remote_root, auto_open=auto_open, local_port=local_port)
    return {"success": True, "message": "Remote Viewer started successfully", "connection_id": connection.id,
            "viewer": viewer.describe(started)}


def stop_viewer(body: dict[str, Any]) -> dict[str, Any]:
    connection = connections.get(body.get("connection_id"))
    outcome = viewer.stop(connection, _field(clean_bool, "cleanup", body.get("cleanup"), True))
    return {"success": True, "message": "Remote Viewer stopped successfully", "connection_id": connection.id,
            **outcome}


def viewer_sessions() -> dict[str, Any]:
    """The caller's running remote viewers, in the reference web UI's shape."""
    found = [(c, c.viewer) for c in connections.all_connections()]
    return {"sessions": [viewer.session(c, v) for c, v in found if v is not None]}


def viewer_status(cid: Any) -> dict[str, Any]:
    connection = connections.get(cid)
    return {"success": True, "connection_id": connection.id, "viewer": viewer.status(connection)}


def viewer_logs(cid: Any, lines: Any) -> dict[str, Any]:
    connection = connections.get(cid)
    count = int(_number("lines", lines, 100, 1, MAX_LOG_LINES))
    if float(lines or 100) != count:
        raise errors.invalid("lines must be a whole number")
    logs = viewer.logs(connection, count)
    return {"success": True, "connection_id": connection.id, "logs": logs, "total_lines": len(logs)}


def health(cid: Any) -> dict[str, Any]:
    connection = connections.get(cid)
    checks, reasons = viewer.health(connection)
    if all(v == "pass" for v in checks.values()):
        overall = "healthy"
    elif checks["ssh_connection"] == "pass":
        overall = "degraded"
    else:
        overall = "unhealthy"
    return {"success": True, "connection_id": connection.id, "health": overall, "checks": checks,
            "details": reasons, "last_check": iso(time.time())}


def ping(cid: Any) -> dict[str, Any]:
    connection = connections.get(cid)
    seconds = round_trip(connection.require_transport(), timeout=10)
    connection.last_ping = time.time()
    return {"success": True, "connection_id": connection.id, "latency_ms": round(seconds * 1000, 2),
            "timestamp": iso(connection.last_ping)}


def _host_port(data: dict[str, Any]) -> tuple[str, int]:
    return _field(clean_host, data.get("host")), _field(clean_port, data.get("port"))


def accept_host_key(body: dict[str, Any]) -> dict[str, Any]:
    # The client may send the 409's host_key object itself, or the body that wraps it.
    data = body.get("host_key") if isinstance(body.get("host_key"), dict) else body
    host, port = _host_port(data)
    key_type = data.get("key_type")
    entry = known_hosts.accept(host, port, data.get("public_key"), data.get("fingerprint_sha256"),
                               key_type if isinstance(key_type, str) and key_type else None)
    log.info("host key %s of %s recorded", entry["fingerprint_sha256"], entry["known_hosts_host"])
    return {"success": True, "ok": True, "entry": entry}


def list_known_hosts() -> dict[str, Any]:
    entries = known_hosts.list_entries()
    return {"success": True, "entries": entries, "total": len(entries), "path": str(known_hosts.path())}


def remove_known_host(data: dict[str, Any]) -> dict[str, Any]:
    host, port = _host_port(data)
    key_type = data.get("key_type")
    if key_type is not None and (not isinstance(key_type, str) or not key_type or len(key_type) > 64):
        raise errors.invalid("key_type must be a key type such as ssh-ed25519")
    removed = known_hosts.remove(host, port, key_type)
    return {"success": True, "ok": True, "changed": removed > 0, "removed": removed}
