"""Streaming responses that really stream under daphne (ASGI) as well as under a WSGI server.

Django's ASGI handler gives a *synchronous* iterator to a thread in one go and collects every
chunk before sending the first (it warns about it), which would hold a whole export in memory.
Under ASGI the chunks are therefore pulled one by one in a worker thread and handed over through
an asynchronous iterator; WSGI servers and the sync test client get the plain iterator.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

from asgiref.sync import sync_to_async
from django.core.handlers.asgi import ASGIRequest
from django.http import HttpRequest, StreamingHttpResponse


async def _pull(chunks: Iterator[bytes]) -> AsyncIterator[bytes]:
    # thread_sensitive=False: file reads must not queue behind every other sync view.
    take = sync_to_async(lambda: next(chunks, None), thread_sensitive=False)
    try:
        while (chunk := await take()) is not None:
            yield chunk
    finally:
        close = getattr(chunks, "close", None)
        if close is not None:  # client went away: release the file now, not at garbage collection
            await sync_to_async(close, thread_sensitive=False)()


def streaming_response(request: HttpRequest, chunks: Iterator[bytes], content_type: str) -> StreamingHttpResponse:
    raw = getattr(request, "_request", request)  # DRF wraps Django's request
    body = _pull(chunks) if isinstance(raw, ASGIRequest) else chunks
    return StreamingHttpResponse(body, content_type=content_type)
