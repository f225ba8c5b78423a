"""Local port forwarding over an SSH transport: a listening socket on 127.0.0.1 whose connections
are carried to a port on the server's loopback through paramiko ``direct-tcpip`` channels.

The forward asks for the transport at each new connection, so after a reconnect (a new transport
for the same connection id) it carries on over the new one without changing its local port.
"""

from __future__ import annotations

import contextlib
import logging
import select
import socket
import threading
from collections.abc import Callable

import paramiko

log = logging.getLogger(__name__)

CHUNK = 64 * 1024


class LocalForward:
    def __init__(self, transport: Callable[[], paramiko.Transport | None], remote_port: int,
                 local_port: int = 0, bind: str = "127.0.0.1", name: str = "tunnel") -> None:
        self._transport = transport
        self.remote_port = remote_port
        self.bind = bind
        self._stop = threading.Event()
        self._pairs: set[tuple[socket.socket, paramiko.Channel]] = set()
        self._pairs_lock = threading.Lock()
        self._listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            self._listener.bind((bind, local_port))
        except OSError:
            self._listener.close()
            raise
        self._listener.listen(64)
        self._listener.settimeout(0.5)  # accept() wakes up to notice stop()
        self.local_port: int = self._listener.getsockname()[1]
        self._thread = threading.Thread(target=self._serve, name=f"{name}-{self.local_port}", daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"http://{self.bind}:{self.local_port}"

    def is_alive(self) -> bool:
        return self._thread.is_alive() and not self._stop.is_set()

    @property
    def active_connections(self) -> int:
        with self._pairs_lock:
            return len(self._pairs)

    def stop(self) -> None:
        self._stop.set()
        with contextlib.suppress(OSError):
            self._listener.close()
        with self._pairs_lock:
            pairs = list(self._pairs)
        for sock, channel in pairs:
            _close(sock, channel)
        self._thread.join(timeout=2)

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                client, peer = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                break  # the listener was closed: stop()
            threading.Thread(target=self._carry, args=(client, peer), name=f"{self._thread.name}-conn",
                             daemon=True).start()

    def _open_channel(self, peer: tuple[str, int]) -> paramiko.Channel | None:
        transport = self._transport()
        if transport is None or not transport.is_active():
            return None
        try:
            return transport.open_channel("direct-tcpip", ("127.0.0.1", self.remote_port), peer, timeout=10)
        except (paramiko.SSHException, EOFError, OSError) as exc:
            log.info("tunnel to remote port %d: cannot open a channel: %s", self.remote_port, exc)
            return None

    def _carry(self, client: socket.socket, peer: tuple[str, int]) -> None:
        channel = self._open_channel(peer)
        if channel is None:
            client.close()
            return
        pair = (client, channel)
        with self._pairs_lock:
            self._pairs.add(pair)
        try:
            _pump(client, channel, self._stop)
        finally:
            with self._pairs_lock:
                self._pairs.discard(pair)
            _close(client, channel)


def _pump(client: socket.socket, channel: paramiko.Channel, stop: threading.Event) -> None:
    """Copy bytes both ways until both sides are done; half-closes are passed on."""
    client_open = channel_open = True
    while (client_open or channel_open) and not stop.is_set():
        readable = [s for s, is_open in ((client, client_open), (channel, channel_open)) if is_open]
        try:
            ready, _, _ = select.select(readable, [], [], 1.0)
        except (OSError, ValueError):
            return
        if client in ready:
            try:
                data = client.recv(CHUNK)
            except OSError:
                data = b""
            if data:
                try:
                    channel.sendall(data)
                except (OSError, EOFError, paramiko.SSHException):
                    return
            else:
                client_open = False
                channel.shutdown_write()
        if channel in ready:
            data = channel.recv(CHUNK)
            if data:
                try:
                    client.sendall(data)
                except OSError:
                    return
            else:
                channel_open = False
                try:
                    client.shutdown(socket.SHUT_WR)
                except OSError:
                    return
        if channel.closed and not channel.recv_ready():
            return


def _close(client: socket.socket, channel: paramiko.Channel) -> None:
    # Closing a broken channel or socket must not raise: the other one still needs closing.
    with contextlib.suppress(Exception):
        channel.close()
    with contextlib.suppress(OSError):
        client.close()
