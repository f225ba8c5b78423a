"""WS /api/runs/{run_id}/logs/ws through Channels' WebsocketCommunicator (the consumer in this
process, real files, real inotify)."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from asgiref.sync import sync_to_async
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator

from apps.metrics.routing import websocket_urlpatterns

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]

app = URLRouter(websocket_urlpatterns)


async def make(indexed_run, **kwargs) -> Path:  # type: ignore[no-untyped-def]
    return await sync_to_async(indexed_run)(**kwargs)


async def connect(run_id: str) -> WebsocketCommunicator:
    comm = WebsocketCommunicator(app, f"/api/runs/{run_id}/logs/ws")
    connected, _ = await comm.connect()
    assert connected
    return comm


async def receive_lines(comm: WebsocketCommunicator, count: int, timeout: float = 5) -> list[str]:
    return [await comm.receive_from(timeout=timeout) for _ in range(count)]


def append(path: Path, text: str) -> None:
    with open(path, "a", encoding="utf-8") as fh:
        fh.write(text)


async def test_it_sends_existing_lines_then_each_appended_line(indexed_run):
    run = await make(indexed_run, logs="10:00:00 | started\n\n10:00:01 | epoch 1\n")
    comm = await connect(run.name)
    try:
        assert await receive_lines(comm, 2) == ["10:00:00 | started", "10:00:01 | epoch 1"]  # blank line skipped

        append(run / "logs.txt", "10:00:02 | epoch 2\n10:00:03 | half")
        assert await comm.receive_from(timeout=5) == "10:00:02 | epoch 2"
        assert await comm.receive_nothing(timeout=0.3)  # the half-written line waits for its newline
        append(run / "logs.txt", " done\n")
        assert await comm.receive_from(timeout=5) == "10:00:03 | half done"
    finally:
        await comm.disconnect()


async def test_a_progress_bar_arrives_as_its_final_state(indexed_run):
    run = await make(indexed_run, logs="")
    comm = await connect(run.name)
    try:
        bar = "".join(f"\r{p:3d}%|{'#' * (p // 10):<10}| {p}/100" for p in range(0, 101))
        append(run / "logs.txt", f"10:00:00 | {bar}\r\n10:00:05 | next\n")

        assert await receive_lines(comm, 2) == ["10:00:00 | 100%|##########| 100/100", "10:00:05 | next"]
        assert await comm.receive_nothing(timeout=0.2)
    finally:
        await comm.disconnect()


async def test_a_long_log_starts_with_its_last_10000_lines(indexed_run):
    run = await make(indexed_run, logs="".join(f"line {i}\n" for i in range(12_345)))
    comm = await connect(run.name)
    try:
        first = await comm.receive_from(timeout=5)
        assert first.startswith("[info]") and "10000" in first
        lines = await receive_lines(comm, 10_000)
        assert lines[0] == "line 2345" and lines[-1] == "line 12344"
        assert await comm.receive_nothing(timeout=0.2)
    finally:
        await comm.disconnect()


async def test_it_waits_for_the_log_file_to_appear(indexed_run):
    run = await make(indexed_run, )
    comm = await connect(run.name)
    try:
        waiting = await comm.receive_from(timeout=5)
        assert waiting.startswith("[info]") and "logs.txt" in waiting

        (run / "logs.txt").write_text("10:00:00 | hello\n")
        available = await comm.receive_from(timeout=5)
        assert available.startswith("[info]")
        assert await comm.receive_from(timeout=5) == "10:00:00 | hello"
    finally:
        await comm.disconnect()


async def test_a_truncated_log_is_followed_from_its_start(indexed_run):
    run = await make(indexed_run, logs="old 1\nold 2\n")
    comm = await connect(run.name)
    try:
        await receive_lines(comm, 2)
        (run / "logs.txt").write_text("new 1\n")
        notice = await comm.receive_from(timeout=5)
        assert notice.startswith("[info]") and "truncated" in notice
        assert await comm.receive_from(timeout=5) == "new 1"
    finally:
        await comm.disconnect()


@pytest.mark.parametrize("run_id", ["20250101_000000_abcdef", "not-a-run"])
async def test_an_unknown_run_gets_an_error_then_the_socket_closes(storage_root, run_id):
    comm = await connect(run_id)
    assert await comm.receive_from(timeout=5) == "[error] run not found"
    assert (await comm.receive_output(timeout=5))["type"] == "websocket.close"


async def test_a_silent_connection_is_closed_after_the_idle_time(indexed_run, settings):
    settings.RUNICORN_WS_IDLE_SECONDS = 0.5
    run = await make(indexed_run, logs="only line\n")
    comm = await connect(run.name)
    assert await comm.receive_from(timeout=5) == "only line"
    closing = await comm.receive_from(timeout=10)
    assert closing.startswith("[info]") and "without new log lines" in closing
    assert (await comm.receive_output(timeout=5))["type"] == "websocket.close"


async def test_two_followers_of_one_run_both_get_each_line(indexed_run):
    run = await make(indexed_run, logs="")
    first, second = await connect(run.name), await connect(run.name)
    try:
        await asyncio.sleep(0.1)
        append(run / "logs.txt", "shared line\n")
        assert await first.receive_from(timeout=5) == "shared line"
        assert await second.receive_from(timeout=5) == "shared line"
    finally:
        await first.disconnect()
        await second.disconnect()


async def test_without_inotify_lines_still_arrive_by_polling(indexed_run, settings):
    settings.RUNICORN_FORCE_POLLING = True
    run = await make(indexed_run, logs="first\n")
    comm = await connect(run.name)
    try:
        assert await comm.receive_from(timeout=5) == "first"
        append(run / "logs.txt", "second\n")
        assert await comm.receive_from(timeout=5) == "second"
    finally:
        await comm.disconnect()
