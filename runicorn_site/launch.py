"""``runicorn viewer``: prepare the database and serve the ASGI app with daphne."""

from __future__ import annotations

import ipaddress
import os
import socket
import sys
from pathlib import Path
from typing import Any

NO_AUTH_OFF_LOOPBACK = (
    "Refusing to serve on {host}: without logins anyone who can reach this address could read and delete "
    "your runs. Keep the default --host 127.0.0.1 (reach it from elsewhere through `ssh -L`), or run the "
    "team profile: RUNICORN_AUTH=required with SECRET_KEY (or SECRET_KEY_FILE) and ALLOWED_HOSTS set "
    "(README: Running for a team); then create a user with `python manage.py runicorn_user NAME --admin "
    "--password-env VAR`."
)


def is_loopback(host: str) -> bool:
    """Whether every address ``host`` stands for is a loopback address (127.0.0.0/8, ::1)."""
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        pass
    try:
        infos = socket.getaddrinfo(host, None)
    except OSError:
        return False
    return bool(infos) and all(ipaddress.ip_address(info[4][0].split("%")[0]).is_loopback for info in infos)


def run_viewer(host: str = "127.0.0.1", port: int = 23300, storage: str | None = None) -> int:
    if storage:
        os.environ["RUNICORN_DIR"] = str(Path(storage).expanduser().resolve())
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "runicorn_site.settings")

    import django
    from django.conf import settings

    django.setup()
    if not settings.RUNICORN_AUTH_REQUIRED and not is_loopback(host):
        print(NO_AUTH_OFF_LOOPBACK.format(host=host), file=sys.stderr, flush=True)
        return 2
    root = Path(settings.RUNICORN_STORAGE_ROOT)
    root.mkdir(parents=True, exist_ok=True)
    # The embedded database is created and migrated on first start: no manual step.
    # One process at a time: several team-profile viewers may start together on one PostgreSQL.
    from .migrate import migrate

    migrate()
    print(f"Runicorn viewer: storage root {root}", flush=True)
    print(f"Serving on http://{host}:{port}  (Ctrl+C to stop)", flush=True)

    from daphne.cli import CommandLineInterface

    CommandLineInterface.server_class = _server_class()
    argv = ["-b", host, "-p", str(port), "--proxy-headers", "runicorn_site.asgi:application"]
    try:
        CommandLineInterface().run(argv)
    except KeyboardInterrupt:
        pass
    return 0


CLOSE_GOING_AWAY = 1001  # RFC 6455: the server is going down
FLUSH_SECONDS = 0.3


def _line_too_long(channel: Any, line: bytes) -> None:
    """Twisted's answer to a request line or header over 16 kB was to drop the connection without
    a status; answer 414 (request line) or 431 (a header) with the API's error shape instead."""
    import json

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


def _server_class() -> type:
    """daphne's server, closing open WebSockets with 1001 on SIGTERM/SIGINT before it stops (and
    Twisted's HTTP channel answering over-long lines, see :func:`_line_too_long`).

    Stock daphne drops the connections, so clients saw 1006 ("abnormal closure") and could not
    tell a restart from a crash. Our signal handler sends the close frames, gives them a moment to
    leave, then hands over to Twisted's own handler. The frame is sent below autobahn's
    ``sendClose``, which only lets 1000 and 3000-4999 through.
    """
    import signal

    from daphne.server import Server
    from daphne.ws_protocol import WebSocketProtocol
    from twisted.internet import reactor
    from twisted.web import http

    http.HTTPChannel.lineLengthExceeded = _line_too_long  # a status instead of a dropped connection

    class ClosingServer(Server):  # type: ignore[misc]
        def run(self) -> None:
            reactor.callWhenRunning(self._chain_signal_handlers)  # after Twisted installed its own
            super().run()

        def _chain_signal_handlers(self) -> None:
            for signum in (signal.SIGTERM, signal.SIGINT):
                twisted_handler = signal.getsignal(signum)
                if callable(twisted_handler):
                    signal.signal(signum, self._handler(twisted_handler))

        def _handler(self, then: Any) -> Any:
            def handle(signum: int, frame: Any) -> None:
                reactor.callFromThread(self._close_then, then, signum, frame)

            return handle

        def _close_then(self, then: Any, signum: int, frame: Any) -> None:
            closing = 0
            for protocol in list(self.connections):
                if isinstance(protocol, WebSocketProtocol) and protocol.state == protocol.STATE_OPEN:
                    protocol.sendCloseFrame(code=CLOSE_GOING_AWAY)
                    closing += 1
            reactor.callLater(FLUSH_SECONDS if closing else 0, then, signum, frame)

    return ClosingServer


if __name__ == "__main__":
    sys.exit(run_viewer())
