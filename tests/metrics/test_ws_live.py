"""The WebSockets through a real ``runicorn viewer`` (daphne) and a real client (``websockets``),
with lines and rows written while connected."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

from tests.factories import make_run, metric_event
from tests.fixtures.live_server import LiveViewer, start_viewer, stop_viewer, wait_until

T0 = 1_700_000_000.0


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[LiveViewer, Path]]:
    work = tmp_path_factory.mktemp("metrics-live")
    root = work / "root"
    run = make_run(root, "live", "exp", events=[metric_event(1, T0, loss=1.0)], logs="10:00:00 | start\n")
    viewer = start_viewer(root, work)
    try:
        wait_until(lambda: viewer.get(f"/api/runs/{run.name}").status_code == 200, timeout=30)
        yield viewer, run
    finally:
        stop_viewer(viewer)


def test_lines_and_rows_written_while_connected_reach_the_clients(live):
    viewer, run = live
    base = viewer.url.replace("http://", "ws://") + f"/api/runs/{run.name}"

    with connect(base + "/logs/ws", open_timeout=10) as logs, connect(base + "/metrics/ws", open_timeout=10) as rows:
        assert logs.recv(timeout=10) == "10:00:00 | start"
        assert json.loads(rows.recv(timeout=10))["last_step"] == 1

        for i in range(3):
            with open(run / "logs.txt", "a") as fh:
                fh.write(f"10:00:0{i + 1} | epoch {i}\n")
            with open(run / "events.jsonl", "a") as fh:
                fh.write(json.dumps(metric_event(i + 2, T0 + i + 1, loss=0.5 / (i + 1))) + "\n")
            assert logs.recv(timeout=5) == f"10:00:0{i + 1} | epoch {i}"
            pushed = json.loads(rows.recv(timeout=5))
            assert pushed["type"] == "rows"
            assert pushed["rows"] == [{"global_step": i + 2, "loss": 0.5 / (i + 1), "time": T0 + i + 1}]

    http_rows = viewer.get(f"/api/runs/{run.name}/metrics_step").json()["rows"]
    assert [r["global_step"] for r in http_rows] == [1, 2, 3, 4]


@pytest.mark.parametrize("endpoint", ["logs/ws", "metrics/ws"])
def test_the_websockets_refuse_an_unknown_run_and_close(live, endpoint):
    viewer, _ = live
    url = viewer.url.replace("http://", "ws://") + f"/api/runs/20250101_000000_abcdef/{endpoint}"

    with connect(url, open_timeout=10) as ws:
        assert "not found" in ws.recv(timeout=10).lower()
        with pytest.raises(ConnectionClosed):
            ws.recv(timeout=10)


def test_the_viewer_accepts_permessage_deflate_and_plain_clients(live):
    viewer, run = live
    url = viewer.url.replace("http://", "ws://") + f"/api/runs/{run.name}/logs/ws"

    with connect(url, open_timeout=10) as deflating:  # websockets offers permessage-deflate
        assert "permessage-deflate" in deflating.response.headers.get("Sec-WebSocket-Extensions", "")
        assert deflating.recv(timeout=10) == "10:00:00 | start"
    with connect(url, open_timeout=10, compression=None) as plain:
        assert "Sec-WebSocket-Extensions" not in plain.response.headers
        assert plain.recv(timeout=10) == "10:00:00 | start"
