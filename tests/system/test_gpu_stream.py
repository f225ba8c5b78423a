"""WS /api/gpu/telemetry/ws: samples pushed every interval, one sampler for all clients."""

from __future__ import annotations

import asyncio

import orjson
import pynvml
import pytest
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator

from apps.system.gpu_stream import sampler
from runicorn_site.websocket_routes import websocket_urlpatterns

from .fake_nvml import FakeGpu

INTERVAL = 0.05


@pytest.fixture
def fast_sampling(settings):  # type: ignore[no-untyped-def]
    settings.RUNICORN_GPU_SAMPLE_SECONDS = INTERVAL
    assert sampler.subscribers == 0 and not sampler.running, "a previous test left the sampler running"
    sampler.samples_taken = 0
    yield
    left = sampler.subscribers
    sampler.stop()  # a failed test must not leave its sampler to the next one
    assert left == 0, "a client was still counted after every test client disconnected"


def connect() -> WebsocketCommunicator:
    return WebsocketCommunicator(URLRouter(websocket_urlpatterns), "/api/gpu/telemetry/ws")


async def receive(comm: WebsocketCommunicator) -> dict:
    return orjson.loads(await comm.receive_from(timeout=2))


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)  # the sampler looks up runs from its worker thread
async def test_it_pushes_a_sample_every_interval(fake_nvml, fast_sampling):
    fake_nvml(FakeGpu(temp_c=71))
    comm = connect()
    connected, _ = await comm.connect()
    assert connected

    samples = [await receive(comm) for _ in range(4)]

    await comm.disconnect()
    assert all(s["available"] and s["gpus"][0]["temp_c"] == 71.0 for s in samples)
    stamps = [s["ts"] for s in samples]
    assert stamps == sorted(stamps) and len(set(stamps)) == 4


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)  # the sampler looks up runs from its worker thread
async def test_one_sampler_feeds_every_client(fake_nvml, fast_sampling):
    fake = fake_nvml()
    first = connect()
    await first.connect()
    await receive(first)
    second = connect()
    await second.connect()

    # The late joiner is greeted with the current sample, then both see the same stream.
    greeting = await receive(second)
    seen_by_first = [await receive(first) for _ in range(6)]
    seen_by_second = [await receive(second) for _ in range(6)]

    reads, ticks = fake.count_calls, sampler.samples_taken
    await first.disconnect()
    await second.disconnect()
    assert greeting["available"] is True
    # The first client may still hold a tick queued before the second joined, so the two lists can
    # be offset by a sample or two; the samples they share must be the very same ones.
    first_by_ts = {s["ts"]: s for s in seen_by_first}
    shared = [s for s in seen_by_second if s["ts"] in first_by_ts]
    assert len(shared) >= 4
    assert all(first_by_ts[s["ts"]] == s for s in shared)
    # One NVML read per tick however many clients listen (a tick may be mid-read right now).
    assert ticks <= reads <= ticks + 1
    assert ticks <= 1 + len(seen_by_first) + 3


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)  # the sampler looks up runs from its worker thread
async def test_the_sampler_stops_when_the_last_client_leaves(fake_nvml, fast_sampling):
    fake = fake_nvml()
    first, second = connect(), connect()
    await first.connect()
    await second.connect()
    await receive(first)
    await first.disconnect()
    assert sampler.running  # one client still listens
    await receive(second)
    await second.disconnect()

    assert not sampler.running
    reads = fake.count_calls
    await asyncio.sleep(INTERVAL * 4)
    assert fake.count_calls == reads  # an idle viewer leaves NVML alone


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)  # the sampler looks up runs from its worker thread
async def test_without_a_gpu_the_stream_says_why(fake_nvml, fast_sampling):
    fake = fake_nvml()
    fake.init_error = pynvml.NVML_ERROR_LIBRARY_NOT_FOUND
    comm = connect()
    await comm.connect()

    sample = await receive(comm)

    await comm.disconnect()
    assert sample == {"available": False, "reason": "NVML: NVML Shared Library Not Found"}
