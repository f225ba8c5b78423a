"""WebSocket access in the team profile: a session (browser) or an API token (scripts), checked
before any consumer runs.

A refused socket is accepted and closed at once with an application close code, since daphne can
only answer a refused handshake with a bare 403: **4401** no or bad credentials (like HTTP 401),
**4403** a session cookie sent from a page of another origin (cross-site WebSocket hijacking: the
browser attaches cookies to any page's sockets; a token is never attached by the browser itself).

An open socket's credentials are checked again every ``REVALIDATE_SECONDS``: a revoked or expired
token, a logged-out session or a deactivated user closes it with 4401 — before, a socket opened
with a revoked token went on streaming for as long as the run wrote.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from importlib import import_module
from typing import Any
from urllib.parse import urlsplit

from channels.auth import AuthMiddlewareStack
from channels.db import database_sync_to_async
from django.conf import settings
from django.http.request import split_domain_port, validate_host

from . import tokens
from .access import auth_required, role_of
from .authentication import bearer_token

log = logging.getLogger(__name__)

CLOSE_UNAUTHENTICATED = 4401
CLOSE_FORBIDDEN = 4403
# One small query per open socket this often (the token row, or the session); "within a second".
REVALIDATE_SECONDS = 0.5


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


@database_sync_to_async
def _token_still_valid(token: str) -> bool:
    try:
        tokens.authenticate(token)
    except tokens.InvalidToken:
        return False
    return True


@database_sync_to_async
def _session_still_valid(session: Any, user: Any) -> bool:
    """The session still exists (no logout) and still belongs to the active user it had."""
    key = getattr(session, "session_key", None)
    if not key:
        return False
    fresh = import_module(settings.SESSION_ENGINE).SessionStore(key)  # read again from the store
    if str(fresh.get("_auth_user_id")) != str(user.pk):
        return False
    user.refresh_from_db(fields=["is_active", "password"])
    return bool(user.is_active) and fresh.get("_auth_user_hash") == user.get_session_auth_hash()


async def _while_valid(inner: Any, scope: dict[str, Any], receive: Any, send: Any,
                       still_valid: Callable[[], Awaitable[bool]]) -> Any:
    """Run ``inner``; when ``still_valid()`` turns False, close with 4401 and tell ``inner`` the
    client left (its ``disconnect`` stops what it follows)."""
    revoked = asyncio.Event()
    closed = False

    async def watch() -> None:
        while True:
            await asyncio.sleep(REVALIDATE_SECONDS)
            try:
                valid = await still_valid()
            except Exception as exc:  # the database unreachable for a moment: look again next time
                log.warning("could not re-check a WebSocket's credentials: %s", exc)
                continue
            if not valid:
                revoked.set()
                return

    async def guarded_receive() -> dict[str, Any]:
        nonlocal closed
        message = asyncio.ensure_future(receive())
        lost = asyncio.ensure_future(revoked.wait())
        done, _ = await asyncio.wait({message, lost}, return_when=asyncio.FIRST_COMPLETED)
        if message in done:
            lost.cancel()
            return message.result()  # type: ignore[no-any-return]
        message.cancel()  # a queue get: cancelling it loses nothing
        if not closed:
            closed = True
            await send({"type": "websocket.close", "code": CLOSE_UNAUTHENTICATED})
        return {"type": "websocket.disconnect", "code": CLOSE_UNAUTHENTICATED}

    async def guarded_send(message: dict[str, Any]) -> None:
        if not closed:  # nothing more reaches a client whose credentials are gone
            await send(message)

    watcher = asyncio.ensure_future(watch())
    try:
        return await inner(scope, guarded_receive, guarded_send)
    finally:
        watcher.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await watcher


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
        if token is not None:
            def still_valid() -> Awaitable[bool]:
                return _token_still_valid(token)  # type: ignore[no-any-return]
        else:
            def still_valid() -> Awaitable[bool]:
                return _session_still_valid(scope.get("session"), user)  # type: ignore[no-any-return]
        return await _while_valid(self.inner, dict(scope, user=user), receive, send, still_valid)


def websocket_access(inner: Any) -> Any:
    """Wrap the WebSocket router: logins and tokens checked when ``RUNICORN_AUTH=required``."""
    guarded = AuthMiddlewareStack(WebSocketAccessMiddleware(inner))

    async def app(scope: dict[str, Any], receive: Any, send: Any) -> Any:
        # Decided per connection, so the embedded profile pays nothing (not even a cookie parse).
        if auth_required():
            return await guarded(scope, receive, send)
        return await inner(scope, receive, send)

    return app
