"""Errors raised by the API client, one class per kind of failure a caller may handle.

Every error the viewer answered carries ``status_code``, the server's own words in ``detail``
(its ``detail`` field, or ``message`` in the Remote API), the machine-readable ``code`` where the
server sends one (Remote API ``error``), and the decoded ``body``.
"""

from __future__ import annotations

from typing import Any, Dict, Optional


class RunicornAPIError(Exception):
    """Base class of every error of :mod:`runicorn.api`."""

    def __init__(self, message: str, *, status_code: Optional[int] = None, detail: Optional[str] = None,
                 code: Optional[str] = None, body: Any = None, method: Optional[str] = None,
                 url: Optional[str] = None) -> None:
        super().__init__(message)
        self.message = message
        self.status_code = status_code
        self.detail = detail if detail is not None else message
        self.code = code
        self.body = body
        self.method = method
        self.url = url


class ConnectionError(RunicornAPIError):  # noqa: A001 - the reference's name (shadows the builtin here only)
    """The viewer could not be reached (refused, timed out, DNS) after every retry."""


RunicornConnectionError = ConnectionError


class BadRequestError(RunicornAPIError):
    """400: a parameter or body the server refused; ``detail`` says which and why."""


class AuthenticationError(RunicornAPIError):
    """401: no token, or a wrong, revoked or expired one (set RUNICORN_API_TOKEN or token=)."""


class PermissionDeniedError(RunicornAPIError):
    """403: the token's user may not do this (e.g. a member calling an admin-only route)."""


class NotFoundError(RunicornAPIError):
    """404: no such run, artifact, version, connection..."""


class ConflictError(RunicornAPIError):
    """409: the request clashes with the current state (e.g. a viewer already running)."""


class HostKeyConfirmationRequiredError(ConflictError):
    """409 from the Remote API: the SSH host key is unknown or changed.

    ``host_key`` holds what the server presented (host, port, key_type, fingerprint_sha256,
    public_key, reason); check the fingerprint, then ``client.remote.confirm_host_key(err.host_key)``
    and retry.
    """

    def __init__(self, message: str, *, host_key: Optional[Dict[str, Any]] = None, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.host_key: Dict[str, Any] = host_key or {}


class RateLimitError(RunicornAPIError):
    """429 after the retries (or a wait longer than the client may sleep); ``retry_after`` in seconds."""

    def __init__(self, message: str, *, retry_after: Optional[float] = None, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.retry_after = retry_after


class ServerError(RunicornAPIError):
    """5xx after the retries: the viewer failed (or, in the Remote API, the SSH server did)."""


class IntegrityError(RunicornAPIError):
    """A downloaded artifact file does not match the sha256 digest of its manifest."""


__all__ = [
    "AuthenticationError",
    "BadRequestError",
    "ConflictError",
    "ConnectionError",
    "HostKeyConfirmationRequiredError",
    "IntegrityError",
    "NotFoundError",
    "PermissionDeniedError",
    "RateLimitError",
    "RunicornAPIError",
    "RunicornConnectionError",
    "ServerError",
]
