"""#15.7: a revoked or expired token, or a logged-out session, closes its sockets with 4401 within
about a second (before: 113 more frames arrived after DELETE /api/auth/tokens/{id}).

The consumer runs in this process behind the real access middleware (Channels' communicator).
"""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from asgiref.sync import sync_to_async
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator
from django.contrib.sessions.backends.db import SessionStore
from django.utils import timezone

from apps.accounts import tokens
from apps.accounts.models import ApiToken
from apps.accounts.websocket import CLOSE_UNAUTHENTICATED, websocket_access
from runicorn_site.websocket_routes import websocket_urlpatterns
from tests.factories import make_run
from tests.team.test_websocket_access import session_cookie

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]
application = websocket_access(URLRouter(websocket_urlpatterns))
ORIGIN = (b"origin", b"http://127.0.0.1:23300")


@pytest.fixture
def logs_path(storage_root, reindex) -> str:  # type: ignore[no-untyped-def]
    run = make_run(storage_root, status="running", logs="10:00:00 | hello\n")
    reindex()
    return f"/api/runs/{run.name}/logs/ws"


async def _open(path: str, headers: list[tuple[bytes, bytes]]) -> WebsocketCommunicator:
    comm = WebsocketCommunicator(application, path, headers=headers)
    connected, _ = await comm.connect(timeout=5)
    assert connected
    assert await comm.receive_from(timeout=5) == "10:00:00 | hello"
    return comm


async def _closed_within(comm: WebsocketCommunicator, seconds: float) -> tuple[object, float]:
    started = time.monotonic()
    message = await comm.receive_output(timeout=seconds)
    return (message["type"], message.get("code")), time.monotonic() - started


async def test_revoking_the_token_closes_its_socket(team, member, logs_path):
    issued = await sync_to_async(tokens.issue)(member, "ws")
    comm = await _open(logs_path, [(b"authorization", f"Bearer {issued.token}".encode())])

    await sync_to_async(tokens.revoke)(member, issued.record.pk)
    closed, seconds = await _closed_within(comm, 3)

    assert closed == ("websocket.close", CLOSE_UNAUTHENTICATED)
    assert seconds < 1.5
    await comm.wait()


async def test_an_expiring_token_closes_its_socket(team, member, logs_path):
    issued = await sync_to_async(tokens.issue)(member, "ws")
    comm = await _open(logs_path, [(b"authorization", f"Bearer {issued.token}".encode())])

    soon = timezone.now() + timedelta(seconds=0.5)
    await sync_to_async(ApiToken.objects.filter(pk=issued.record.pk).update)(expires_at=soon)
    closed, seconds = await _closed_within(comm, 3)

    assert closed == ("websocket.close", CLOSE_UNAUTHENTICATED)
    assert seconds < 2
    await comm.wait()


async def test_logging_out_closes_the_sessions_sockets(team, member, logs_path):
    cookie = await sync_to_async(session_cookie)(member)
    comm = await _open(logs_path, [(b"cookie", cookie), ORIGIN])

    key = cookie.decode().split("=", 1)[1]
    await sync_to_async(SessionStore(key).delete)()  # what logout() does to the session
    closed, seconds = await _closed_within(comm, 3)

    assert closed == ("websocket.close", CLOSE_UNAUTHENTICATED)
    assert seconds < 1.5
    await comm.wait()


async def test_a_deactivated_user_loses_the_socket(team, member, logs_path):
    issued = await sync_to_async(tokens.issue)(member, "ws")
    comm = await _open(logs_path, [(b"authorization", f"Bearer {issued.token}".encode())])

    member.is_active = False
    await sync_to_async(member.save)()
    closed, _ = await _closed_within(comm, 3)

    assert closed == ("websocket.close", CLOSE_UNAUTHENTICATED)
    await comm.wait()


async def test_a_valid_token_keeps_its_socket(team, member, logs_path):
    issued = await sync_to_async(tokens.issue)(member, "ws")
    comm = await _open(logs_path, [(b"authorization", f"Bearer {issued.token}".encode())])
    try:
        assert await comm.receive_nothing(timeout=1.5)  # several re-checks passed, nothing closed
    finally:
        await comm.disconnect()
