"""HTTP to a team server for the uploader: one keep-alive connection, gzip bodies, JSON answers.

Standard library only (``http.client``): the uploader runs inside every training job.
"""

from __future__ import annotations

import http.client
import json
import socket
import ssl
import zlib
from typing import Any, Dict, Optional, Tuple
from urllib.parse import quote, urlsplit

from .. import __version__

GZIP_MIN = 1024  # smaller bodies are sent as they are: compressing them saves nothing
_TRANSIENT = {408, 425, 429, 500, 502, 503, 504}


class Unreachable(Exception):
    """The server did not answer, or answered with an error worth retrying (5xx, 429)."""

    def __init__(self, message: str, retry_after: Optional[float] = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class Refused(Exception):
    """A 4xx answer that retrying will not change (bad token, not allowed, bad input)."""

    def __init__(self, status: int, detail: str, body: Dict[str, Any]) -> None:
        super().__init__(f"{status}: {detail}")
        self.status = status
        self.detail = detail
        self.body = body


def check_server_url(url: str) -> str:
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"server URL must look like https://runicorn.example:8443, got {url!r}")
    return url.strip().rstrip("/")


def gzip_bytes(data: bytes) -> bytes:
    # Level 1: several times faster than the default for a few percent more bytes; the bottleneck
    # is the job's CPU, not the network.
    packer = zlib.compressobj(1, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    return packer.compress(data) + packer.flush()


class Connection:
    """Requests to one server over a reused connection; reconnects after any failure."""

    def __init__(self, server: str, token: Optional[str], timeout: float = 30.0) -> None:
        self.server = check_server_url(server)
        parts = urlsplit(self.server)
        self._https = parts.scheme == "https"
        self._host = parts.hostname or ""
        self._port = parts.port
        self._prefix = parts.path.rstrip("/")
        self._timeout = timeout
        self._conn: Optional[http.client.HTTPConnection] = None
        self._headers = {"User-Agent": f"runicorn-sdk/{__version__}", "Accept": "application/json"}
        if token:
            self._headers["Authorization"] = f"Bearer {token}"
        self.bytes_sent = 0  # request bodies as sent (compressed), for progress and tests

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def _connection(self) -> http.client.HTTPConnection:
        if self._conn is None:
            if self._https:
                self._conn = http.client.HTTPSConnection(self._host, self._port, timeout=self._timeout,
                                                         context=ssl.create_default_context())
            else:
                self._conn = http.client.HTTPConnection(self._host, self._port, timeout=self._timeout)
        return self._conn

    def request(self, method: str, path: str, body: Optional[bytes] = None, *, content_type: str = "application/json",
                compress: bool = True, ok_statuses: Tuple[int, ...] = ()) -> Tuple[int, Dict[str, Any]]:
        """(status, JSON answer) for a 2xx or one of ``ok_statuses``; raises Unreachable or Refused."""
        headers = dict(self._headers)
        if body is not None:
            headers["Content-Type"] = content_type
            if compress and len(body) >= GZIP_MIN:
                body = gzip_bytes(body)
                headers["Content-Encoding"] = "gzip"
        response, raw = self._exchange(method, self._prefix + path, body, headers)
        if body is not None:
            self.bytes_sent += len(body)
        return self._answer(response, raw, ok_statuses)

    def _exchange(self, method: str, url: str, body: Any,
                  headers: Dict[str, str]) -> Tuple[http.client.HTTPResponse, bytes]:
        # A kept-alive connection the server closed while idle fails on its next use: that is not
        # the server being down, so one retry on a fresh connection comes first (every ingest
        # request is safe to repeat).
        for attempt in (1, 2):
            reused = self._conn is not None
            try:
                conn = self._connection()
                conn.request(method, url, body=body, headers=headers)
                response = conn.getresponse()
                return response, response.read()
            except (OSError, http.client.HTTPException) as exc:
                self.close()
                if reused and attempt == 1 and not isinstance(exc, socket.timeout):
                    if hasattr(body, "seek"):
                        body.seek(0)
                    continue
                raise Unreachable(f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__) from None
        raise AssertionError("unreachable")

    def _answer(self, response: http.client.HTTPResponse, raw: bytes,
                ok_statuses: Tuple[int, ...]) -> Tuple[int, Dict[str, Any]]:
        if response.getheader("Connection", "").lower() == "close":
            self.close()
        try:
            data = json.loads(raw) if raw else {}
        except ValueError:
            data = {}
        if not isinstance(data, dict):
            data = {"value": data}
        status = response.status
        if 200 <= status < 300 or status in ok_statuses:
            return status, data
        detail = str(data.get("detail") or raw[:200].decode("utf-8", "replace") or response.reason)
        if status in _TRANSIENT:
            raise Unreachable(f"HTTP {status}: {detail}", _seconds(response.getheader("Retry-After")))
        raise Refused(status, detail, data)

    def upload_file(self, method: str, path: str, fh: Any, size: int) -> Tuple[int, Dict[str, Any]]:
        """Stream an open file as the body (artifact blobs can be far larger than memory)."""
        headers = {**self._headers, "Content-Type": "application/octet-stream", "Content-Length": str(size)}
        response, raw = self._exchange(method, self._prefix + path, fh, headers)
        self.bytes_sent += size
        return self._answer(response, raw, ())

    def json(self, method: str, path: str, payload: Any,
             ok_statuses: Tuple[int, ...] = ()) -> Tuple[int, Dict[str, Any]]:
        return self.request(method, path, json.dumps(payload).encode("utf-8"), ok_statuses=ok_statuses)


def _seconds(value: Optional[str]) -> Optional[float]:
    try:
        return float(value) if value else None
    except ValueError:
        return None


def run_path(run_id: str, *parts: str) -> str:
    tail = "".join("/" + quote(p, safe="") for p in parts)
    return f"/api/ingest/runs/{quote(run_id, safe='')}{tail}"
