"""#15.10: a request line (or a header) over ~16 kB gets a status, not a dropped connection."""

from __future__ import annotations

import json
import socket

from tests.fixtures.live_server import LiveViewer


def _raw(viewer: LiveViewer, request: bytes) -> bytes:
    host, port = viewer.url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        sock.sendall(request)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


def test_a_request_line_over_16_kb_answers_414(live_viewer_factory):
    viewer = live_viewer_factory()

    answer = _raw(viewer, b"GET /api/runs?project=" + b"x" * 20_000 + b" HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")

    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 414 URI Too Long"), answer[:200]
    assert json.loads(body) == {"detail": "The request line (method, path and query) is longer than 16384 bytes; "
                                          "send long parameters in a POST body or shorten them"}
    assert viewer.get("/api/health").status_code == 200  # and the viewer carries on


def test_a_header_over_16_kb_answers_431(live_viewer_factory):
    viewer = live_viewer_factory()

    answer = _raw(viewer, b"GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: " + b"y" * 20_000 + b"\r\n\r\n")

    assert answer.startswith(b"HTTP/1.1 431 Request Header Fields Too Large"), answer[:200]
