"""Request bodies of the ingest API: raw bytes, optionally gzip-encoded, never more than a limit.

The limit applies to the inflated bytes, so a small gzip body that would inflate past it (a "gzip
bomb") is refused with 413 after at most ``limit`` bytes of output, never held in memory whole.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from typing import Any

from .errors import IngestError, bad_request, too_large

CHUNK = 1024 * 1024


def _encoding(request: Any) -> str:
    value = (request.headers.get("Content-Encoding") or "identity").strip().lower()
    if value not in ("identity", "gzip"):
        raise IngestError(415, f"Unsupported Content-Encoding {value!r}; send gzip or no encoding")
    return value


def _declared_length(request: Any) -> int | None:
    raw = request.META.get("CONTENT_LENGTH") or ""
    try:
        return int(raw) if raw else None
    except ValueError:
        raise bad_request(f"Invalid Content-Length {raw!r}") from None


def iter_body(request: Any, limit: int) -> Iterator[bytes]:
    """The body's decoded bytes in chunks; 413 as soon as they would pass ``limit``."""
    encoding = _encoding(request)
    declared = _declared_length(request)
    if declared is not None and declared > limit:
        raise too_large(limit)  # compressed bytes never inflate to fewer: refuse before reading
    stream = getattr(request, "_request", request)  # DRF's Request wraps Django's
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS) if encoding == "gzip" else None
    produced = 0
    while True:
        raw = stream.read(CHUNK)
        if not raw:
            break
        if inflater is None:
            produced += len(raw)
            if produced > limit:
                raise too_large(limit)
            yield raw
            continue
        data = raw
        while data:
            try:
                out = inflater.decompress(data, limit - produced + 1)
            except zlib.error as exc:
                raise bad_request(f"Request body is not valid gzip: {exc}") from None
            produced += len(out)
            if produced > limit:
                raise too_large(limit)
            if out:
                yield out
            data = inflater.unconsumed_tail
            if inflater.eof:
                if data or inflater.unused_data:
                    raise bad_request("Request body has bytes after the end of its gzip stream")
                break
    if inflater is not None and not inflater.eof:
        raise bad_request("Request body is a truncated gzip stream")


def read_body(request: Any, limit: int) -> bytes:
    return b"".join(iter_body(request, limit))
