"""WebSocket followers of a run's files.

``WS /api/runs/{run_id}/logs/ws`` — the reference's protocol: plain-text frames, one log line
each; messages from the server itself start with ``[info]`` or ``[error]``. It sends the last
10,000 lines (saying so when older ones are left out), then each new line; it waits while
``logs.txt`` does not exist yet; an unknown run gets ``[error] ...`` and the socket is closed.

``WS /api/runs/{run_id}/metrics/ws`` (ours) — JSON frames. First ``{"type": "hello",
"last_step": S, "total": N, "columns": [...]}``: the client has rows up to ``S`` once it fetched
``metrics_step``; it may fetch that after connecting and merge by ``global_step``. Then
``{"type": "rows", "rows": [...], "columns": [...], "last_step": S}`` for each batch of new or
changed rows (the ``metrics_step`` row shape; a row for a step the client has replaces it), and
``{"type": "reset", ...}`` when the file was replaced and everything should be fetched again.

Both close after ``RUNICORN_WS_IDLE_SECONDS`` (an hour) without anything new; daphne pings open
sockets at the protocol level meanwhile, so proxies do not drop a quiet but wanted connection.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np
import orjson
from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from django.conf import settings
from runicorn import layout

from . import services
from .cache import RunMetrics, get_cache
from .follow import watch_hub
from .logtail import LogTail
from .payloads import View, answer_rows
from .table import MetricTable

log = logging.getLogger(__name__)

INITIAL_LINES = 10_000
ROWS_PER_MESSAGE = 5_000

_events_path = database_sync_to_async(services.events_path)


async def _in_thread(fn: Any, *args: Any) -> Any:
    return await asyncio.to_thread(fn, *args)


class _Follower(AsyncWebsocketConsumer):
    """Accepts, looks the run up, then runs :meth:`follow` as a task until either side ends."""

    # Followers read files and talk to nobody else: no channel layer, so no Redis connection per
    # socket in the team profile, and a Redis restart cannot close them.
    channel_layer_alias = None  # type: ignore[assignment]
    task: asyncio.Task[None] | None = None

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        try:
            await super().__call__(scope, receive, send)
        finally:
            # Cancelled by the server (shutdown) or ended: the follow task must not outlive its socket.
            if self.task is not None:
                self.task.cancel()

    async def connect(self) -> None:
        await self.accept()
        run_id = self.scope["url_route"]["kwargs"]["run_id"]
        path = await _events_path(run_id)
        if path is None:
            await self.refuse()
            await self.close()
            return
        self.task = asyncio.get_running_loop().create_task(self._guarded(path.parent))

    async def disconnect(self, code: int) -> None:
        if self.task is not None:
            self.task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self.task

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        """Clients only listen."""

    async def _guarded(self, run_dir: Path) -> None:
        try:
            await self.follow(run_dir)
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            log.exception("following %s failed", run_dir)
            with contextlib.suppress(Exception):
                await self.report_error(f"{type(exc).__name__}: {exc}")
        with contextlib.suppress(Exception):
            await self.close()

    async def refuse(self) -> None:
        raise NotImplementedError

    async def report_error(self, message: str) -> None:
        raise NotImplementedError

    async def follow(self, run_dir: Path) -> None:
        raise NotImplementedError


class LogsConsumer(_Follower):
    async def refuse(self) -> None:
        await self.send(text_data="[error] run not found")

    async def report_error(self, message: str) -> None:
        await self.send(text_data=f"[error] {message}")

    async def follow(self, run_dir: Path) -> None:
        idle = float(settings.RUNICORN_WS_IDLE_SECONDS)
        tail = LogTail(run_dir / layout.LOGS_FILE)
        sub = watch_hub().subscribe(run_dir, layout.LOGS_FILE)
        last_news = time.monotonic()
        try:
            if not tail.exists():
                await self.send(text_data=f"[info] No logs yet: waiting for {layout.LOGS_FILE} to be written...")
                while not tail.exists():
                    if time.monotonic() - last_news > idle:
                        await self.send(text_data=f"[info] Closing: no log file after {idle:.0f} s")
                        return
                    await sub.wait()
                await self.send(text_data="[info] The log file exists now; streaming it")
            lines, cut = await _in_thread(tail.start, INITIAL_LINES)
            if cut:
                await self.send(text_data=f"[info] Showing the last {INITIAL_LINES} lines of {layout.LOGS_FILE}")
            for line in lines:
                await self.send(text_data=line)
            last_news = time.monotonic()
            while True:
                result = await _in_thread(tail.read_new)
                if result.restarted:
                    await self.send(text_data=f"[info] {layout.LOGS_FILE} was truncated or replaced; from its start:")
                if result.lines:
                    for line in result.lines:
                        await self.send(text_data=line)
                    last_news = time.monotonic()
                    continue  # there may be more right away
                if time.monotonic() - last_news > idle:
                    await self.send(text_data=f"[info] Closing after {idle:.0f} s without new log lines")
                    return
                await sub.wait()
        finally:
            sub.close()


class MetricsConsumer(_Follower):
    async def refuse(self) -> None:
        await self.send_json({"type": "error", "detail": "Run not found"})

    async def report_error(self, message: str) -> None:
        await self.send_json({"type": "error", "detail": message})

    async def send_json(self, message: dict[str, Any]) -> None:
        await self.send(text_data=orjson.dumps(message).decode())

    async def follow(self, run_dir: Path) -> None:
        idle = float(settings.RUNICORN_WS_IDLE_SECONDS)
        path = run_dir / layout.EVENTS_FILE
        sub = watch_hub().subscribe(run_dir, layout.EVENTS_FILE)
        cache = get_cache()
        try:
            token, hello = await _in_thread(cache.use, path, _snapshot, False)
            await self.send_json({"type": "hello", **hello})
            last_news = time.monotonic()
            while True:
                await sub.wait()  # a file event, or the poll interval: either way, look
                token, messages = await _in_thread(cache.use, path, partial(_since, token=token), False)
                for message in messages:
                    await self.send_json(message)
                if messages:
                    last_news = time.monotonic()
                elif time.monotonic() - last_news > idle:
                    await self.send_json({"type": "info", "detail": f"closing after {idle:.0f} s without new rows"})
                    return
        finally:
            sub.close()


Token = tuple[int, int, int]  # (generation, version) of the table, and how many rows the client has


def _token(entry: RunMetrics) -> Token:
    return (*entry.token, entry.table.n)


def _snapshot(entry: RunMetrics) -> tuple[Token, dict[str, Any]]:
    table = entry.table
    return _token(entry), {"last_step": table.last_step, "total": table.n, "columns": table.columns if table.n else []}


def _since(entry: RunMetrics, token: Token) -> tuple[Token, list[dict[str, Any]]]:
    """Messages for what changed in the table since ``token``."""
    generation, version, known_rows = token
    if entry.token == (generation, version):
        return token, []
    table = entry.table
    if generation == entry.generation:
        first = table.rows_changed_since(version)
    else:
        first = 0 if known_rows == 0 else None  # a client with nothing loses nothing: just send
    if first is None:
        return _token(entry), [{"type": "reset", **_snapshot(entry)[1]}]
    columns = table.columns
    messages = []
    for start in range(first, table.n, ROWS_PER_MESSAGE):
        stop = min(table.n, start + ROWS_PER_MESSAGE)
        rows = _table_rows(table, start, stop)
        messages.append({"type": "rows", "columns": columns, "rows": rows, "last_step": table.last_step})
    return _token(entry), messages


def _table_rows(table: MetricTable, start: int, stop: int) -> list[dict[str, Any]]:
    """Rows ``start:stop`` of the table in the ``metrics_step`` shape (every column, null where unlogged)."""
    view = View(None, table.step[start:stop], names=table.columns[1:], start=start)
    return answer_rows(table, view, np.arange(stop - start), {}, ["global_step"], nulls=True)
