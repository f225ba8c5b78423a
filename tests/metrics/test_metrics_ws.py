"""WS /api/runs/{run_id}/metrics/ws (ours): appended metric rows pushed as they are written."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from asgiref.sync import sync_to_async
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator

from apps.metrics.routing import websocket_urlpatterns
from tests.factories import metric_event
from tests.metrics.conftest import append_events

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]

app = URLRouter(websocket_urlpatterns)
T0 = 1_700_000_000.0


async def make(indexed_run, **kwargs) -> Path:  # type: ignore[no-untyped-def]
    return await sync_to_async(indexed_run)(**kwargs)


async def connect(run_id: str) -> WebsocketCommunicator:
    comm = WebsocketCommunicator(app, f"/api/runs/{run_id}/metrics/ws")
    connected, _ = await comm.connect()
    assert connected
    return comm


async def receive(comm: WebsocketCommunicator, timeout: float = 5) -> dict[str, Any]:
    return json.loads(await comm.receive_from(timeout=timeout))


async def test_the_first_message_says_which_step_the_client_already_has(indexed_run):
    run = await make(indexed_run, events=[metric_event(s, T0 + s, loss=1.0 / s) for s in range(1, 11)])
    comm = await connect(run.name)
    try:
        hello = await receive(comm)
        assert hello == {"type": "hello", "last_step": 10, "total": 10, "columns": ["global_step", "loss", "time"]}
    finally:
        await comm.disconnect()


async def test_appended_rows_are_pushed_in_the_metrics_step_shape(indexed_run, api):
    run = await make(indexed_run, events=[metric_event(1, T0, loss=1.0)])
    comm = await connect(run.name)
    try:
        await receive(comm)
        append_events(run, metric_event(2, T0 + 1, loss=0.5, stage="train"), metric_event(3, T0 + 2, loss=0.25))

        pushed = await receive(comm)
        assert pushed["type"] == "rows" and pushed["last_step"] == 3
        assert pushed["rows"] == [
            {"global_step": 2, "loss": 0.5, "stage": "train", "time": T0 + 1},
            {"global_step": 3, "loss": 0.25, "stage": None, "time": T0 + 2},
        ]
        http = await sync_to_async(api.get)(f"/api/runs/{run.name}/metrics_step")
        assert http.json()["rows"][1:] == pushed["rows"]
        assert pushed["columns"] == http.json()["columns"]
    finally:
        await comm.disconnect()


async def test_a_value_logged_later_at_the_last_step_resends_that_row(indexed_run):
    run = await make(indexed_run, events=[metric_event(1, T0, loss=1.0), metric_event(2, T0 + 1, loss=0.5)])
    comm = await connect(run.name)
    try:
        await receive(comm)
        append_events(run, metric_event(2, T0 + 2, val_acc=0.9))

        pushed = await receive(comm)
        assert pushed["rows"] == [{"global_step": 2, "loss": 0.5, "val_acc": 0.9, "time": T0 + 2}]
    finally:
        await comm.disconnect()


async def test_a_half_written_line_is_pushed_once_complete(indexed_run):
    run = await make(indexed_run, events=[metric_event(1, T0, loss=1.0)])
    comm = await connect(run.name)
    try:
        await receive(comm)
        line = json.dumps(metric_event(2, T0 + 1, loss=0.5)) + "\n"
        append_events(run, raw=line[:20])
        assert await comm.receive_nothing(timeout=0.5)
        append_events(run, raw=line[20:])
        assert (await receive(comm))["rows"] == [{"global_step": 2, "loss": 0.5, "time": T0 + 1}]
    finally:
        await comm.disconnect()


async def test_a_replaced_file_tells_the_client_to_start_over(indexed_run):
    run = await make(indexed_run, events=[metric_event(s, T0 + s, loss=1.0) for s in range(1, 6)])
    comm = await connect(run.name)
    try:
        await receive(comm)
        replacement = run / "events.new"
        replacement.write_text(json.dumps(metric_event(1, T0 + 100, loss=9.0)) + "\n")
        replacement.replace(run / "events.jsonl")

        reset = await receive(comm)
        assert reset == {"type": "reset", "last_step": 1, "total": 1, "columns": ["global_step", "loss", "time"]}
    finally:
        await comm.disconnect()


async def test_an_unknown_run_gets_an_error_then_the_socket_closes(storage_root):
    comm = await connect("20250101_000000_abcdef")
    assert await receive(comm) == {"type": "error", "detail": "Run not found"}
    assert (await comm.receive_output(timeout=5))["type"] == "websocket.close"


async def test_a_run_whose_events_file_appears_later_gets_its_first_rows(indexed_run):
    run = await make(indexed_run)
    comm = await connect(run.name)
    try:
        assert (await receive(comm))["last_step"] is None
        append_events(run, metric_event(1, T0, loss=1.0))
        pushed = await receive(comm)
        assert pushed["type"] == "rows" and pushed["last_step"] == 1
        assert pushed["rows"] == [{"global_step": 1, "loss": 1.0, "time": T0}]
    finally:
        await comm.disconnect()
