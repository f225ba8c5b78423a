"""``@extend_schema`` of the Remote API views: shapes, parameters and error codes."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema

from apps.system.openapi import BOOL, INT, NUM, STR, arr, obj
from apps.system.openapi import nullable as n

TAGS = ["remote"]
CID = "conn_1a2b3c4d"
ERROR = obj(("success", "error", "message"), success=BOOL, error=STR, message=STR)
CID_QUERY = OpenApiParameter("connection_id", str, OpenApiParameter.QUERY, required=True,
                             description="Connection id from POST /api/remote/connect")


def _error(description: str, code: str, message: str) -> OpenApiResponse:
    return OpenApiResponse(ERROR, description, [OpenApiExample(code, {"success": False, "error": code,
                                                                      "message": message})])


BAD = _error("Missing or malformed parameters", "invalid_parameters", "connection_id is required")
NO_CONNECTION = _error("No such connection", "connection_not_found", f"No connection '{CID}'")
LOST = _error("The SSH connection dropped: connect again", "connection_lost",
              f"The SSH connection {CID} was lost; POST /api/remote/connect again to reconnect")
UPSTREAM = _error("The SSH server failed or misbehaved", "ssh_error", "Cannot run a command on the server")
SLOW = _error("The server did not answer in time", "connection_timeout", "A command on the server timed out")
COMMON = {400: BAD, 404: NO_CONNECTION, 408: SLOW, 409: LOST, 502: UPSTREAM}


def ok(description: str, schema: dict[str, Any], example: dict[str, Any] | None = None) -> OpenApiResponse:
    examples = [OpenApiExample("ok", example)] if example else None
    return OpenApiResponse(schema, description, examples)


SERVER_INFO = obj(hostname=STR, os=STR, kernel=STR, python_version=STR)
VIEWER_BRIEF = obj(status=STR, local_port=INT, remote_port=INT, url=STR)
VIEWER = obj(
    ("status",), status=STR, local_port=INT, remote_port=INT, url=STR, remote_root=STR, env_name=STR,
    python_path=STR, pid=INT, started_at=n(STR), auto_open=BOOL, uptime_seconds=INT, health=STR,
)
CONNECTION = obj(
    ("connection_id", "host", "port", "username", "status"),
    connection_id=STR, host=STR, port=INT, username=STR, auth_method=STR, status=STR, created_at=n(STR),
    connected_at=n(STR), last_ping=n(STR), server_info=SERVER_INFO, viewer=n(VIEWER_BRIEF),
)
ENVIRONMENT = obj(
    ("name", "type", "python_version", "runicorn_installed"),
    name=STR, type=STR, python_path=STR, python_version=STR, runicorn_installed=BOOL, runicorn_version=n(STR),
    viewer_installed=BOOL, storage_root=STR, storage_root_source=STR, user_root_dir=n(STR), config_file=STR,
)
HOST_KEY_BODY = obj(
    ("host", "public_key", "fingerprint_sha256"),
    host=STR, port={**INT, "minimum": 1, "maximum": 65535}, key_type=STR, public_key=STR, fingerprint_sha256=STR,
)
KNOWN_HOST = obj(host=n(STR), port=n(INT), known_hosts_host=STR, key_type=STR, key_base64=STR,
                 fingerprint_sha256=STR)

# The API fuzz test leaves /api/remote/ out: it would make the viewer connect to hosts it invents.
connect = extend_schema(
    summary="Open an SSH connection (or reuse the open one to the same host, port and user)", tags=TAGS,
    description=("Credentials: a password, a private key (text or private_key_path), or the SSH agent; or "
                 "saved_key, the key of a saved connection (its remembered secrets are used). An unknown or "
                 "changed host key answers 409 with the key to confirm through /api/remote/known-hosts/accept."),
    request={"application/json": obj(
        (), host=STR, port={**INT, "minimum": 1, "maximum": 65535}, username=STR,
        auth_method={"type": "string", "enum": ["password", "key", "agent"]}, password=STR, private_key=STR,
        private_key_path=STR, passphrase=STR, use_agent=BOOL, saved_key=STR,
        timeout={**NUM, "minimum": 1, "maximum": 300},
    )},
    examples=[OpenApiExample("password", {"host": "gpu-server.com", "port": 22, "username": "mluser",
                                          "password": "secret"}, request_only=True),
              OpenApiExample("saved", {"saved_key": "gpu-server.com:22@mluser"}, request_only=True)],
    responses={
        200: ok("Connected", obj(("success", "connection_id", "connected"), success=BOOL, ok=BOOL,
                                 connection_id=STR, host=STR, port=INT, username=STR, auth_method=STR, status=STR,
                                 created_at=n(STR), connected_at=n(STR), last_ping=n(STR), server_info=SERVER_INFO,
                                 viewer=n(VIEWER_BRIEF), connected=BOOL, reconnected=BOOL),
                {"success": True, "ok": True, "connection_id": CID, "host": "gpu-server.com", "port": 22,
                 "username": "mluser", "auth_method": "password", "status": "connected",
                 "connected_at": "2025-01-14T15:30:45+00:00", "connected": True, "reconnected": False}),
        400: BAD,
        401: _error("The server refused the credentials", "authentication_failed", "Authentication failed"),
        404: _error("saved_key names no saved connection", "connection_not_found",
                    "No saved connection 'gpu:22@me'"),
        408: SLOW,
        409: OpenApiResponse(obj(("success", "error", "detail"), success=BOOL, error=STR, message=STR,
                                 detail={"type": "object"}),
                             "The host key is unknown or changed: confirm it, then connect again"),
        502: _error("The server cannot be reached", "connection_failed", "Cannot reach gpu-server.com:22"),
    },
)

list_connections = extend_schema(
    summary="Active SSH connections, with their remote viewer", tags=TAGS,
    responses={200: ok("The connections", obj(("success", "connections", "total"), success=BOOL,
                                              connections=arr(CONNECTION), total=INT))},
)

disconnect = extend_schema(
    summary="Close an SSH connection (and stop its remote viewer unless cleanup_viewer=false)", tags=TAGS,
    parameters=[
        OpenApiParameter("connection_id", str, OpenApiParameter.PATH, description="Connection id"),
        OpenApiParameter("cleanup_viewer", bool, OpenApiParameter.QUERY, description="Stop the remote viewer too"),
    ],
    responses={200: ok("Disconnected", obj(("success",), success=BOOL, message=STR, connection_id=STR,
                                            cleanup_performed=obj(ssh_tunnel=BOOL, remote_viewer=BOOL,
                                                                  temp_files=BOOL))),
               400: BAD, 404: NO_CONNECTION},
)

environments = extend_schema(
    summary="Python environments on the server (conda, virtualenvs, pyenv, python3); cached per connection",
    tags=TAGS,
    parameters=[CID_QUERY, OpenApiParameter("filter", str, OpenApiParameter.QUERY, enum=["all", "runicorn_only"])],
    responses={200: ok("The environments", obj(("success", "environments", "total"), success=BOOL,
                                               connection_id=STR, environments=arr(ENVIRONMENT), total=INT,
                                               detection_time=n(STR))), **COMMON},
)

detect = extend_schema(
    summary="Detect the server's Python environments again (refreshes the cache)", tags=TAGS,
    request={"application/json": obj(("connection_id",), connection_id=STR, force_refresh=BOOL)},
    responses={200: ok("Detected", obj(("success", "environments_found"), success=BOOL, message=STR,
                                       connection_id=STR, environments_found=INT, environments=arr(ENVIRONMENT),
                                       detection_time=n(STR))), **COMMON},
)

remote_config = extend_schema(
    summary="The runicorn configuration of one environment on the server", tags=TAGS,
    parameters=[CID_QUERY, OpenApiParameter("env_name", str, OpenApiParameter.QUERY, required=True)],
    responses={200: ok("The configuration", obj(
        ("success", "config"), success=BOOL, connection_id=STR, env_name=STR,
        config=obj(user_root_dir=n(STR), storage_root=STR, storage_root_source=STR, config_file=STR,
                   viewer_port=n(INT)),
        runicorn_version=n(STR), python_version=STR, python_path=STR,
    )), **COMMON},
)

viewer_start = extend_schema(
    summary="Start `runicorn viewer` on the server's loopback and a local tunnel to it", tags=TAGS,
    request={"application/json": obj(("connection_id", "env_name"), connection_id=STR, env_name=STR,
                                      remote_root=STR, auto_open=BOOL,
                                      local_port={**INT, "minimum": 0, "maximum": 65535})},
    responses={
        200: ok("Started", obj(("success", "viewer"), success=BOOL, message=STR, connection_id=STR, viewer=VIEWER)),
        **COMMON,
        409: _error("A remote viewer already runs (or the connection dropped)", "viewer_already_running",
                    f"A remote viewer already runs for {CID}; stop it first"),
        502: _error("The remote viewer could not start", "viewer_start_failed",
                    "The remote viewer exited during start: ..."),
        504: _error("The remote viewer did not answer in time", "viewer_start_timeout",
                    "The remote viewer did not answer within 90 s"),
    },
)

viewer_stop = extend_schema(
    summary="Stop the remote viewer, close its tunnel and remove its files", tags=TAGS,
    request={"application/json": obj(("connection_id",), connection_id=STR, cleanup=BOOL)},
    responses={200: ok("Stopped", obj(("success",), success=BOOL, message=STR, connection_id=STR, process=STR,
                                      stopped_at=STR)),
               **COMMON, 404: _error("No such connection, or no viewer running", "viewer_not_running",
                                     f"No remote viewer is running for {CID}")},
)

viewer_status = extend_schema(
    summary="The remote viewer: URL, uptime, health", tags=TAGS, parameters=[CID_QUERY],
    responses={200: ok("The status", obj(("success", "viewer"), success=BOOL, connection_id=STR, viewer=VIEWER)),
               **COMMON},
)

viewer_logs = extend_schema(
    summary="The last lines of the remote viewer's output", tags=TAGS,
    parameters=[CID_QUERY, OpenApiParameter("lines", int, OpenApiParameter.QUERY, description="1-10000, default 100")],
    responses={200: ok("The lines", obj(("success", "logs"), success=BOOL, connection_id=STR, logs=arr(STR),
                                        total_lines=INT)),
               **COMMON, 404: _error("No such connection, or no viewer running", "viewer_not_running",
                                     f"No remote viewer is running for {CID}")},
)

health = extend_schema(
    summary="SSH connection, remote viewer process and tunnel: each pass or fail", tags=TAGS, parameters=[CID_QUERY],
    responses={200: ok("The checks", obj(
        ("success", "health", "checks"), success=BOOL, connection_id=STR, health=STR,
        checks=obj(ssh_connection=STR, viewer_process=STR, tunnel_active=STR),
        details={"type": "object", "additionalProperties": STR}, last_check=STR,
    )), 400: BAD, 404: NO_CONNECTION},
)

ping = extend_schema(
    summary="Round-trip time to the server over the SSH connection", tags=TAGS, parameters=[CID_QUERY],
    responses={200: ok("The latency", obj(("success", "latency_ms"), success=BOOL, connection_id=STR,
                                          latency_ms=NUM, timestamp=STR)), **COMMON},
)

known_hosts_list = extend_schema(
    summary="Host keys in the runicorn-managed known_hosts file", tags=TAGS,
    responses={200: ok("The entries", obj(("success", "entries"), success=BOOL, entries=arr(KNOWN_HOST),
                                          total=INT, path=STR))},
)

_REMOVED = ok("Removed (changed: whether anything was)", obj(("success",), success=BOOL, ok=BOOL, changed=BOOL,
                                                              removed=INT))
known_hosts_remove = extend_schema(
    summary="Forget the host keys recorded for a host and port", tags=TAGS,
    parameters=[OpenApiParameter("host", str, OpenApiParameter.QUERY, required=True),
                OpenApiParameter("port", int, OpenApiParameter.QUERY),
                OpenApiParameter("key_type", str, OpenApiParameter.QUERY)],
    responses={200: _REMOVED, 400: BAD},
)
known_hosts_remove_post = extend_schema(
    summary="Forget the host keys recorded for a host and port", tags=TAGS,
    request={"application/json": obj(("host",), host=STR, port=INT, key_type=STR)},
    responses={200: _REMOVED, 400: BAD},
)

known_hosts_accept = extend_schema(
    summary="Trust a host key shown in a 409 HOST_KEY_CONFIRMATION_REQUIRED answer", tags=TAGS,
    request={"application/json": HOST_KEY_BODY},
    responses={200: ok("Recorded", obj(("success",), success=BOOL, ok=BOOL, entry=obj(
        host=STR, port=INT, known_hosts_host=STR, key_type=STR, fingerprint_sha256=STR, public_key=STR, reason=STR,
    ))), 400: BAD},
)

# ---------------------------------------------------------------------------- the reference web UI's

SAVED_ENTRY = obj(
    ("id", "host", "port", "username"),
    id=STR, name=STR, host=STR, port=INT, username=STR, authMethod=STR, privateKeyPath=STR, condaEnv=STR,
    remoteRoot=STR, localPort=INT, remotePort=INT, createdAt=NUM, lastUsed=NUM, hasPassword=BOOL,
)
SAVED_EXAMPLE = {"id": "conn_1736840000000_k3j5h2l1a", "name": "mluser@gpu-server.com", "host": "gpu-server.com",
                 "port": 22, "username": "mluser", "authMethod": "password", "condaEnv": "system",
                 "remoteRoot": "/data/runicorn", "createdAt": 1736840000000, "hasPassword": True}
DETAIL = obj(("detail",), detail=STR)

saved_list = extend_schema(
    summary="The reference web UI's saved connections (passwords never included: hasPassword)", tags=TAGS,
    responses={200: ok("The list", obj(("ok", "connections"), ok=BOOL, connections=arr(SAVED_ENTRY)),
                       {"ok": True, "connections": [SAVED_EXAMPLE]})},
)

saved_replace = extend_schema(
    summary="Replace the reference web UI's saved connections with this list", tags=TAGS,
    description=("At most 100. A password is stored only encrypted; an entry sent without one keeps the "
                 "password already stored under its id."),
    request={"application/json": {**arr(obj(("id", "host", "username"), id=STR, name=STR, host=STR,
                                            port={**INT, "minimum": 1, "maximum": 65535}, username=STR,
                                            authMethod=STR, password=STR, privateKeyPath=STR, condaEnv=STR,
                                            remoteRoot=STR, localPort=INT, remotePort=INT, createdAt=NUM)),
                                  "maxItems": 100}},
    examples=[OpenApiExample("one", [{**{k: v for k, v in SAVED_EXAMPLE.items() if k != "hasPassword"},
                                      "password": "secret"}], request_only=True)],
    responses={
        200: ok("Saved", obj(("ok", "message"), ok=BOOL, message=STR),
                {"ok": True, "message": "Connections saved successfully"}),
        422: OpenApiResponse(DETAIL, "Not a list, or an entry is malformed", [OpenApiExample(
            "no host", {"detail": "connection 0: host is required (a host name or IP address)"})]),
    },
)

viewer_sessions = extend_schema(
    summary="Running remote viewers, as the reference web UI lists them", tags=TAGS,
    responses={200: ok("The sessions", obj(("sessions",), sessions=arr(obj(
        ("sessionId", "host", "status"), sessionId=STR, host=STR, sshPort=INT, username=STR, localPort=INT,
        remotePort=INT, remoteRoot=STR, remotePid=INT, status=STR, startedAt=INT, uptimeSeconds=INT,
        isActive=BOOL, url=STR))), {"sessions": [{
            "sessionId": CID, "host": "gpu-server.com", "sshPort": 22, "username": "mluser", "localPort": 23301,
            "remotePort": 23300, "remoteRoot": "/data/runicorn", "remotePid": 4242, "status": "running",
            "startedAt": 1736840000000, "uptimeSeconds": 120, "isActive": True, "url": "http://127.0.0.1:23301"}]})},
)
