"""Serialised list responses cached by the index generation, answered with ETag / 304."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import orjson
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified

from . import indexer

_cache: dict[str, tuple[str, bytes]] = {}
_lock = threading.Lock()


def json_bytes(data: Any) -> bytes:
    return orjson.dumps(data, option=orjson.OPT_SERIALIZE_NUMPY)


def json_response(data: Any, status: int = 200) -> HttpResponse:
    return HttpResponse(json_bytes(data), status=status, content_type="application/json")


def cached_list(request: HttpRequest, key: str, build: Callable[[], Any]) -> HttpResponse:
    """The body of ``build()`` for the current index generation, built at most once per change.

    Lists change only when the index does, so the bytes (and the ETag) are reused until then; a
    client that sends the ETag back gets 304 without a body.
    """
    generation = indexer.current_generation()
    etag = f'"{generation}-{key}"'
    if request.headers.get("If-None-Match") == etag:
        response: HttpResponse = HttpResponseNotModified()
        response["ETag"] = etag
        return response
    with _lock:
        hit = _cache.get(key)
    if hit is not None and hit[0] == generation:
        body = hit[1]
    else:
        body = json_bytes(build())
        with _lock:
            _cache[key] = (generation, body)
            if len(_cache) > 256:  # many distinct project/name keys: drop the oldest
                _cache.pop(next(iter(_cache)))
    response = HttpResponse(body, content_type="application/json")
    response["ETag"] = etag
    response["Cache-Control"] = "no-cache"
    return response
