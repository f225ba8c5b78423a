"""Errors of the Remote API: ``{"success": false, "error": <code>, "message": ...}`` with a status.

Host keys that need the user's confirmation answer 409 with the newer API's
``{"detail": {"code": "HOST_KEY_CONFIRMATION_REQUIRED", "message", "host_key": {...}}}`` (the
remote-API fields ``success``/``error``/``message`` are added beside it).
"""

from __future__ import annotations

from typing import Any


class RemoteError(Exception):
    """An answer to the client: status, machine-readable code, and words for a person."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message

    def body(self) -> dict[str, Any]:
        return {"success": False, "error": self.code, "message": self.message}


def invalid(message: str) -> RemoteError:
    return RemoteError(400, "invalid_parameters", message)


def auth_failed(message: str) -> RemoteError:
    return RemoteError(401, "authentication_failed", message)


def connection_not_found(connection_id: str) -> RemoteError:
    return RemoteError(404, "connection_not_found", f"No connection {connection_id!r}; POST /api/remote/connect first")


def environment_not_found(name: str) -> RemoteError:
    return RemoteError(404, "environment_not_found",
                       f"No Python environment {name!r} on the server; GET /api/remote/environments lists them")


def viewer_not_running(connection_id: str) -> RemoteError:
    return RemoteError(404, "viewer_not_running", f"No remote viewer is running for {connection_id}")


def timeout(message: str) -> RemoteError:
    return RemoteError(408, "connection_timeout", message)


def unreachable(message: str) -> RemoteError:
    """The server could not be reached at all (refused, no route, unknown host): not our fault."""
    return RemoteError(502, "connection_failed", message)


def ssh_error(message: str) -> RemoteError:
    """The SSH server misbehaved or the connection broke while we used it."""
    return RemoteError(502, "ssh_error", message)


def disconnected(connection_id: str) -> RemoteError:
    return RemoteError(
        409, "connection_lost",
        f"The SSH connection {connection_id} was lost; POST /api/remote/connect again to reconnect",
    )


class HostKeyConfirmationRequired(RemoteError):
    """The server's host key is unknown or differs from the recorded one: the user must decide."""

    def __init__(self, host_key: dict[str, Any]) -> None:
        changed = host_key.get("reason") == "changed"
        message = (
            "The server's host key differs from the recorded one: possibly a man-in-the-middle attack"
            if changed else "The server's host key is not known yet: confirm its fingerprint"
        )
        super().__init__(409, "host_key_confirmation_required", message)
        self.host_key = host_key

    def body(self) -> dict[str, Any]:
        return {
            **super().body(),
            "detail": {"code": "HOST_KEY_CONFIRMATION_REQUIRED", "message": self.message, "host_key": self.host_key},
        }
