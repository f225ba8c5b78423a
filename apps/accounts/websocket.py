"""WebSocket access in the team profile: a session (browser) or an API token (scripts), checked
before any consumer runs.

A refused socket is accepted and closed at once with an application close code, since daphne can
only answer a refused handshake with a bare 403: **4401** no or bad credentials (like HTTP 401),
**4403** a session cookie sent from a page of another origin (cross-site WebSocket hijacking: the
browser attaches cookies to any page's sockets; a token is never attached by the browser itself).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from channels.auth import AuthMiddlewareStack
from channels.db import database_sync_to_async
from django.conf import settings
from django.http.request import split_domain_port, validate_host

from . import tokens
from .access import auth_required, role_of
from .authentication import bearer_token

CLOSE_UNAUTHENTICATED = 4401
CLOSE_FORBIDDEN = 4403


def _header(scope: dict[str, Any], name: bytes) -> str:
    for key, value in scope.get("headers", []):
        if key.lower() == name:
            return str(value.decode("latin-1"))
    return ""


def origin_allowed(origin: str) -> bool:
    """An ``Origin`` of this viewer: its host in ALLOWED_HOSTS, or listed in CSRF_TRUSTED_ORIGINS."""
    if not origin or origin == "null":
        return False
    if origin in getattr(settings, "CSRF_TRUSTED_ORIGINS", []):
        return True
    host, _port = split_domain_port(urlsplit(origin).netloc)
    return bool(host) and validate_host(host, settings.ALLOWED_HOSTS)


@database_sync_to_async
def _token_user(token: str) -> Any:
    user, _record = tokens.authenticate(token)
    return user


async def _refuse(receive: Any, send: Any, code: int) -> None:
    message = await receive()
    if message.get("type") != "websocket.connect":
        return
    await send({"type": "websocket.accept"})
    await send({"type": "websocket.close", "code": code})


class WebSocketAccessMiddleware:
    """Runs after Channels' session middleware (``scope["user"]``) and before the URL router."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> Any:
        try:
            token = bearer_token(_header(scope, b"authorization"))
            if token is not None:
                user = await _token_user(token)
            else:
                user = scope.get("user")
                if role_of(user) is not None and not origin_allowed(_header(scope, b"origin")):
                    return await _refuse(receive, send, CLOSE_FORBIDDEN)
        except tokens.InvalidToken:
            return await _refuse(receive, send, CLOSE_UNAUTHENTICATED)
        # Every WebSocket route follows a run or the GPUs: reading, a member's right.
        if role_of(user) is None:
            return await _refuse(receive, send, CLOSE_UNAUTHENTICATED)
        return await self.inner(dict(scope, user=user), receive, send)


def websocket_access(inner: Any) -> Any:
    """Wrap the WebSocket router: logins and tokens checked when ``RUNICORN_AUTH=required``."""
    guarded = AuthMiddlewareStack(WebSocketAccessMiddleware(inner))

    async def app(scope: dict[str, Any], receive: Any, send: Any) -> Any:
        # Decided per connection, so the embedded profile pays nothing (not even a cookie parse).
        if auth_required():
            return await guarded(scope, receive, send)
        return await inner(scope, receive, send)

    return app
