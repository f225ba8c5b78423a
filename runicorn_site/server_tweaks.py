"""What daphne (Twisted) does not do by itself, set up when the ASGI app is loaded under daphne —
by ``runicorn viewer`` and by the image's plain ``daphne`` command alike.

- **WebSockets open at SIGTERM/SIGINT are closed with 1001** ("going away"). Stock daphne drops the
  connections, so clients saw 1006 ("abnormal closure") and could not tell a restart from a crash.
  A signal handler chained in front of Twisted's sends the close frames, gives them a moment to
  leave, then lets Twisted stop. The frame is sent below autobahn's ``sendClose``, which only lets
  1000 and 3000-4999 through.
- **A request line or a header over 16 kB answers 414 / 431** with the API's error shape; Twisted's
  line reader dropped the connection without a status.
"""

from __future__ import annotations

import json
import signal
import sys
import weakref
from typing import Any

CLOSE_GOING_AWAY = 1001  # RFC 6455: the server is going down
FLUSH_SECONDS = 0.3  # the close frames leave before Twisted drops the connections

_open_sockets: weakref.WeakSet[Any] = weakref.WeakSet()


def track_open_sockets(inner: Any) -> Any:
    """Wrap the WebSocket ASGI app so that shutdown knows the open sockets (daphne's ``send`` is a
    ``partial`` of its server's ``handle_reply`` over the socket's protocol)."""

    async def app(scope: dict[str, Any], receive: Any, send: Any) -> Any:
        protocol = next(iter(getattr(send, "args", ())), None)
        trackable = hasattr(protocol, "sendCloseFrame")

        async def tracking_send(message: dict[str, Any]) -> None:
            if trackable and message.get("type") == "websocket.accept":
                _open_sockets.add(protocol)
            elif trackable and message.get("type") == "websocket.close":
                _open_sockets.discard(protocol)
            await send(message)

        try:
            return await inner(scope, receive, tracking_send if trackable else send)
        finally:
            if trackable:
                _open_sockets.discard(protocol)

    return app


def _line_too_long(channel: Any, line: bytes) -> None:
    first_line = bool(getattr(channel, "_HTTPChannel__first_line", True))
    status = b"414 URI Too Long" if first_line else b"431 Request Header Fields Too Large"
    what = "request line (method, path and query)" if first_line else "header"
    limit = getattr(channel, "MAX_LENGTH", 16384)
    body = json.dumps({"detail": f"The {what} is longer than {limit} bytes; send long parameters "
                                 "in a POST body or shorten them"}).encode()
    channel.transport.write(
        b"HTTP/1.1 " + status + b"\r\nContent-Type: application/json\r\nContent-Length: "
        + str(len(body)).encode() + b"\r\nConnection: close\r\n\r\n" + body
    )
    channel.loseConnection()


def _close_sockets_then(then: Any, signum: int, frame: Any) -> None:
    from twisted.internet import reactor

    closing = 0
    for protocol in list(_open_sockets):
        if getattr(protocol, "state", None) == getattr(protocol, "STATE_OPEN", object()):
            protocol.sendCloseFrame(code=CLOSE_GOING_AWAY)
            closing += 1
    _open_sockets.clear()
    reactor.callLater(FLUSH_SECONDS if closing else 0, then, signum, frame)  # type: ignore[attr-defined]


def _chain_signal_handlers() -> None:
    from twisted.internet import reactor

    for signum in (signal.SIGTERM, signal.SIGINT):
        twisted_handler = signal.getsignal(signum)
        if callable(twisted_handler):

            def handle(signum: int, frame: Any, then: Any = twisted_handler) -> None:
                reactor.callFromThread(_close_sockets_then, then, signum, frame)  # type: ignore[attr-defined]

            signal.signal(signum, handle)


def install() -> None:
    """Under daphne (Twisted's reactor installed): both of the above. Elsewhere nothing."""
    if "twisted.internet.reactor" not in sys.modules:
        return  # tests' in-process consumers, other ASGI servers
    from twisted.internet import reactor
    from twisted.web import http

    http.HTTPChannel.lineLengthExceeded = _line_too_long
    reactor.callWhenRunning(_chain_signal_handlers)  # type: ignore[attr-defined]  # after Twisted's own
