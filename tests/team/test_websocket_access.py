"""WebSockets in the team profile: the viewer's WebSocket router behind its guard, as
runicorn_site.asgi wires them (that module is not imported here: importing it starts the embedded
scheduler in this process; tests/team/test_two_viewers.py checks the real daphne)."""

from __future__ import annotations

import pytest
from asgiref.sync import sync_to_async
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore

from apps.accounts import tokens
from apps.accounts.websocket import CLOSE_FORBIDDEN, CLOSE_UNAUTHENTICATED, websocket_access
from runicorn_site.websocket_routes import websocket_urlpatterns
from tests.factories import make_run

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]
application = websocket_access(URLRouter(websocket_urlpatterns))


async def outcome(path: str, headers: list[tuple[bytes, bytes]]) -> tuple[str, object]:
    """("closed", code) when refused, ("open", first frame) when the consumer runs."""
    comm = WebsocketCommunicator(application, path, headers=headers)
    connected, _ = await comm.connect(timeout=5)
    assert connected
    try:
        message = await comm.receive_output(timeout=5)
        if message["type"] == "websocket.close":
            return "closed", message.get("code")
        return "open", message.get("text")
    finally:
        await comm.disconnect()


@pytest.fixture
def logs_path(storage_root, reindex) -> str:  # type: ignore[no-untyped-def]
    run = make_run(storage_root, logs="10:00:00 | hello\n")
    reindex()
    return f"/api/runs/{run.name}/logs/ws"


def session_cookie(user) -> bytes:  # type: ignore[no-untyped-def]
    store = SessionStore()
    store["_auth_user_id"] = str(user.pk)
    store["_auth_user_backend"] = "django.contrib.auth.backends.ModelBackend"
    store["_auth_user_hash"] = user.get_session_auth_hash()
    store.save()
    return f"{settings.SESSION_COOKIE_NAME}={store.session_key}".encode()


async def test_an_anonymous_socket_is_closed_with_4401(team, logs_path):
    assert await outcome(logs_path, []) == ("closed", CLOSE_UNAUTHENTICATED)
    assert await outcome(logs_path, [(b"authorization", b"Bearer rnc_000000000000_nope")]) == (
        "closed", CLOSE_UNAUTHENTICATED)


async def test_a_token_opens_the_socket(team, member, logs_path):
    issued = await sync_to_async(tokens.issue)(member, "ws")

    result = await outcome(logs_path, [(b"authorization", f"Bearer {issued.token}".encode())])

    assert result == ("open", "10:00:00 | hello")


async def test_a_session_opens_the_socket_only_from_the_viewers_own_pages(team, member, logs_path):
    cookie = await sync_to_async(session_cookie)(member)

    own = await outcome(logs_path, [(b"cookie", cookie), (b"origin", b"http://127.0.0.1:23300")])
    foreign = await outcome(logs_path, [(b"cookie", cookie), (b"origin", b"https://evil.example")])
    no_origin = await outcome(logs_path, [(b"cookie", cookie)])

    assert own == ("open", "10:00:00 | hello")
    assert foreign == ("closed", CLOSE_FORBIDDEN)
    assert no_origin == ("closed", CLOSE_FORBIDDEN)


async def test_the_embedded_profile_needs_nothing(logs_path):
    assert await outcome(logs_path, []) == ("open", "10:00:00 | hello")
