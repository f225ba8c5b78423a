"""Compressed JSON answers: zstd, brotli or gzip, as the client's ``Accept-Encoding`` allows.

Every JSON answer of at least ``RUNICORN_COMPRESS_MIN_BYTES`` is compressed (``/api/runs`` at
10,000 runs: 3.3 MB of JSON, about 0.2 MB in zstd). Among the encodings the client accepts with
the highest q-value, zstd wins (fastest to make and to read), then brotli, then gzip; q=0 refuses
one, ``identity`` or nothing acceptable leaves the body as it is.

ETags stay exact per encoding: a compressed answer's ETag is the view's ETag with the encoding
appended inside the quotes (``"abc"`` → ``"abc-zstd"``), as RFC 9110 asks of representations that
differ in their bytes. A conditional request carrying such a tag is handed to the view with the
suffix taken off, so the view's own ``If-None-Match`` check (``apps.runs.responses``) answers 304,
and the 304 carries the suffixed tag again. The compressed bytes of answers that have an ETag are
kept (keyed by ETag and encoding, within a byte budget), so a repeated list costs no compression.
"""

from __future__ import annotations

import gzip
import re
import threading
from collections import OrderedDict
from collections.abc import Callable

import brotli
import zstandard
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_vary_headers
from django.utils.deprecation import MiddlewareMixin

# Preference among equally acceptable encodings, best first.
ENCODINGS = ("zstd", "br", "gzip")
_COMPRESSORS: dict[str, Callable[[bytes], bytes]] = {
    # Levels chosen for answers made on the fly: a few ms per MB, most of the size gain.
    "zstd": lambda data: zstandard.ZstdCompressor(level=3).compress(data),
    "br": lambda data: brotli.compress(data, quality=4, mode=brotli.MODE_TEXT),
    "gzip": lambda data: gzip.compress(data, compresslevel=6, mtime=0),
}
_TOKEN = re.compile(r"^\s*([A-Za-z0-9_*-]+)\s*(?:;\s*q\s*=\s*([0-9.]+))?\s*$")
CACHE_BYTES = 64 * 1024 * 1024  # compressed bodies kept, in all


def choose_encoding(header: str) -> str | None:
    """The encoding to answer with for an ``Accept-Encoding`` value; None: send the body as is."""
    accepted: dict[str, float] = {}
    for part in header.split(","):
        match = _TOKEN.match(part)
        if not match:
            continue
        try:
            q = float(match.group(2)) if match.group(2) is not None else 1.0
        except ValueError:
            continue
        accepted[match.group(1).lower()] = q
    wildcard = accepted.get("*")
    best: tuple[float, int] | None = None
    choice = None
    for rank, name in enumerate(ENCODINGS):
        q = accepted.get(name, wildcard if wildcard is not None else 0.0)
        if q > 0 and (best is None or (q, -rank) > best):
            best, choice = (q, -rank), name
    return choice


def tagged(etag: str, encoding: str) -> str:
    """``"abc"`` → ``"abc-zstd"`` (a weak ``W/"abc"`` keeps its ``W/``)."""
    return f'{etag[:-1]}-{encoding}"' if etag.endswith('"') else etag


def untagged(etag: str, encoding: str) -> str | None:
    suffix = f'-{encoding}"'
    return etag[: -len(suffix)] + '"' if etag.endswith(suffix) else None


class _CompressedBodies:
    """Compressed bytes by (ETag, encoding), least recently used out beyond ``CACHE_BYTES``."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self._items: OrderedDict[tuple[str, str], bytes] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()
        self.hits = self.misses = 0

    def get(self, key: tuple[str, str], make: Callable[[], bytes]) -> bytes:
        with self._lock:
            body = self._items.get(key)
            if body is not None:
                self._items.move_to_end(key)
                self.hits += 1
                return body
            self.misses += 1
        body = make()  # outside the lock: other answers are compressed meanwhile
        if len(body) <= self.max_bytes // 4:
            with self._lock:
                if key not in self._items:
                    self._items[key] = body
                    self._size += len(body)
                while self._size > self.max_bytes:
                    self._size -= len(self._items.popitem(last=False)[1])
        return body

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self._size = 0
            self.hits = self.misses = 0


compressed_bodies = _CompressedBodies(CACHE_BYTES)


def _is_json(response: HttpResponse) -> bool:
    kind = response.get("Content-Type", "").split(";")[0].strip().lower()
    return kind == "application/json" or kind.endswith("+json")


class CompressionMiddleware(MiddlewareMixin):
    def process_request(self, request: HttpRequest) -> None:
        encoding = choose_encoding(request.META.get("HTTP_ACCEPT_ENCODING", ""))
        request.runicorn_encoding = encoding  # type: ignore[attr-defined]
        request.runicorn_tagged_condition = False  # type: ignore[attr-defined]
        condition = request.META.get("HTTP_IF_NONE_MATCH")
        if encoding is None or not condition:
            return
        # The client holds a compressed representation's tag: the view knows the plain one.
        tags = [t.strip() for t in condition.split(",")]
        plain = [untagged(t, encoding) for t in tags]
        if any(p is not None for p in plain):
            request.META["HTTP_IF_NONE_MATCH"] = ", ".join(p or t for p, t in zip(plain, tags, strict=True))
            request.runicorn_tagged_condition = True  # type: ignore[attr-defined]
            request.__dict__.pop("headers", None)  # request.headers is cached from META: read it again

    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        encoding: str | None = getattr(request, "runicorn_encoding", None)
        if response.status_code == 304:
            if encoding and getattr(request, "runicorn_tagged_condition", False) and response.has_header("ETag"):
                response["ETag"] = tagged(response["ETag"], encoding)
                patch_vary_headers(response, ("Accept-Encoding",))
            return response
        if response.streaming or response.has_header("Content-Encoding") or not _is_json(response):
            return response
        body = response.content
        if len(body) < settings.RUNICORN_COMPRESS_MIN_BYTES:
            return response
        patch_vary_headers(response, ("Accept-Encoding",))  # the answer depends on it from here on
        if encoding is None:
            return response
        etag = response.get("ETag")
        if etag:
            compressed = compressed_bodies.get((etag, encoding), lambda: _COMPRESSORS[encoding](body))
            response["ETag"] = tagged(etag, encoding)
        else:
            compressed = _COMPRESSORS[encoding](body)
        response.content = compressed
        response["Content-Length"] = str(len(compressed))
        response["Content-Encoding"] = encoding
        return response
