"""A small reverse proxy for the ingest tests: round-robin over viewer processes, counting bytes.

It forwards bodies as they come (gzip stays gzip) and answers 502 while an upstream is down, as
nginx would; ``sent`` counts request body bytes per kind of ingest call, so a test can tell what
a client actually sent (e.g. that a blob the server holds was not uploaded again).
"""

from __future__ import annotations

import asyncio
import threading
from collections import Counter
from typing import Any

from aiohttp import ClientError, ClientSession, ClientTimeout, web

from tests.fixtures.live_server import free_port

_HOP_HEADERS = {"host", "content-length", "transfer-encoding", "connection", "keep-alive"}


def kind_of(method: str, path: str) -> str:
    parts = path.split("?")[0].strip("/").split("/")
    if parts[:2] == ["api", "ingest"] and len(parts) >= 3:
        if parts[2] == "blobs":
            return f"{method} blobs" if len(parts) == 4 and parts[3] != "missing" else f"{method} blobs/missing"
        return f"{method} runs/{parts[4]}" if len(parts) >= 5 else f"{method} runs"
    return "other"


class Proxy:
    def __init__(self, upstreams: list[str], port: int | None = None) -> None:
        self.upstreams = list(upstreams)
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.sent: Counter[str] = Counter()
        self.requests: Counter[str] = Counter()
        self.statuses: Counter[int] = Counter()
        self._turn = 0
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._serve, name=f"proxy-{self.port}", daemon=True)
        self._runner: Any = None

    def start(self) -> Proxy:
        self._thread.start()
        if not self._ready.wait(10):
            raise RuntimeError("the test proxy did not start")
        return self

    def stop(self) -> None:
        asyncio.run_coroutine_threadsafe(self._shutdown(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)

    def _serve(self) -> None:
        asyncio.set_event_loop(self._loop)
        self._loop.run_until_complete(self._start())
        self._ready.set()
        self._loop.run_forever()

    async def _start(self) -> None:
        self._session = ClientSession(auto_decompress=False, timeout=ClientTimeout(total=60))
        app = web.Application(client_max_size=1024**3)
        app.router.add_route("*", "/{tail:.*}", self._handle)
        self._runner = web.AppRunner(app, auto_decompress=False, access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", self.port).start()

    async def _shutdown(self) -> None:
        await self._runner.cleanup()
        await self._session.close()

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        body = await request.read()
        kind = kind_of(request.method, request.path_qs)
        self.sent[kind] += len(body)
        self.requests[kind] += 1
        upstream = self.upstreams[self._turn % len(self.upstreams)]
        self._turn += 1
        headers = {k: v for k, v in request.headers.items() if k.lower() not in _HOP_HEADERS}
        try:
            async with self._session.request(request.method, upstream + request.path_qs, data=body,
                                             headers=headers) as answer:
                payload = await answer.read()
                out = {k: v for k, v in answer.headers.items() if k.lower() not in _HOP_HEADERS}
                self.statuses[answer.status] += 1
                return web.Response(status=answer.status, body=payload, headers=out)
        except (TimeoutError, ClientError, ConnectionError) as exc:
            self.statuses[502] += 1
            return web.json_response({"detail": f"upstream {upstream} failed: {exc}"}, status=502)
