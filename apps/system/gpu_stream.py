"""``WS /api/gpu/telemetry/ws``: one sample a second, pushed to every client by one sampler.

The sampler is an asyncio task in the server's event loop, started by the first subscriber and
cancelled when the last one leaves, so an idle viewer never touches NVML. It reads NVML in a
worker thread (a wedged driver can block for seconds; the event loop must not) and fans the
serialised sample out through a Channels group: ten open dashboards cost one NVML read a second,
not ten.

The group is per process on purpose. With the Redis channel layer several daphne processes
(possibly on several hosts) share group names; a shared group would deliver every process's
samples to every client — duplicates, and GPUs of another machine. Each process samples the GPUs
of its own host, exactly what its HTTP endpoint reports.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
from typing import Any

import orjson
from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from channels.layers import get_channel_layer
from django.conf import settings

from .gpu import read_telemetry

log = logging.getLogger(__name__)

# Channels allows ASCII letters, digits, "-", "_" and "." in group names, fewer than 100 of them.
GROUP = "".join(
    c if c.isascii() and (c.isalnum() or c in "-_.") else "_"
    for c in f"gpu-telemetry.{os.getpid()}.{socket.gethostname()}"
)[:90]


def _sample_text() -> str:
    return orjson.dumps(read_telemetry()).decode()


# thread_sensitive=False: NVML may block; it must not hold up Django's one sync thread either.
_sample_in_thread = database_sync_to_async(_sample_text, thread_sensitive=False)


class TelemetrySampler:
    """Counts subscribers in this process and runs the one sampling task while there are any."""

    def __init__(self) -> None:
        self.subscribers = 0
        self.samples_taken = 0
        self.latest: str | None = None
        self._task: asyncio.Task[None] | None = None

    @property
    def running(self) -> bool:
        return self._task is not None and not self._task.done()

    def subscribe(self) -> None:
        self.subscribers += 1
        loop = asyncio.get_running_loop()
        if self.running and self._task.get_loop() is loop:  # type: ignore[union-attr]
            return
        self._task = loop.create_task(self._run(), name="gpu-telemetry-sampler")

    def unsubscribe(self) -> None:
        self.subscribers = max(0, self.subscribers - 1)
        if self.subscribers == 0:
            self.stop()

    def stop(self) -> None:
        """Cancel the sampling task and forget the subscribers (the last one left, or shutdown)."""
        self.subscribers = 0
        if self._task is not None:
            try:
                self._task.cancel()
            except RuntimeError:  # its event loop is already closed: nothing left to stop
                pass
            self._task = None
            self.latest = None  # a stale sample must not greet the next subscriber

    async def _run(self) -> None:
        interval = float(settings.RUNICORN_GPU_SAMPLE_SECONDS)
        layer = get_channel_layer()
        loop = asyncio.get_running_loop()
        next_at = loop.time()
        while True:
            try:
                text = await _sample_in_thread()
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # keep streaming; the next tick may well succeed
                log.exception("GPU telemetry sample failed")
                text = orjson.dumps({"available": False, "reason": f"sampling failed: {exc}"}).decode()
            self.samples_taken += 1
            self.latest = text
            await layer.group_send(GROUP, {"type": "gpu.sample", "text": text})
            # Fixed-rate schedule: a slow sample shortens the wait instead of drifting the clock.
            next_at += interval
            delay = next_at - loop.time()
            if delay < 0:
                next_at = loop.time()
                delay = 0
            await asyncio.sleep(delay)


sampler = TelemetrySampler()


class GpuTelemetryConsumer(AsyncWebsocketConsumer):
    subscribed = False

    async def connect(self) -> None:
        await self.channel_layer.group_add(GROUP, self.channel_name)
        await self.accept()
        if sampler.latest is not None:  # a late joiner gets the current sample at once
            await self.send(text_data=sampler.latest)
        sampler.subscribe()
        self.subscribed = True

    async def disconnect(self, code: int) -> None:
        if self.subscribed:
            self.subscribed = False
            sampler.unsubscribe()
        await self.channel_layer.group_discard(GROUP, self.channel_name)

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        """Clients only listen; anything they send is ignored."""

    async def gpu_sample(self, event: dict[str, Any]) -> None:
        await self.send(text_data=event["text"])
