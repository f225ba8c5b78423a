"""Metrics endpoints and the logs WebSocket, ours against the reference viewer on the same files.

Rows carry every column, ``null`` where a step did not log a metric, as the reference's do.
Deliberate differences, so compared around them: ``/metrics`` gives ``time`` in seconds since the run's first
event and rows by time (the reference repeats ``metrics_step`` there); ``downsample`` keeps about
N points per metric (the reference keeps N rows chosen by its first metric).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

from tests.benchmarks.common import Reference, Server
from tests.compat.conftest import reference  # noqa: F401 - the fixture
from tests.factories import make_run, metric_event
from tests.fixtures.live_server import LiveViewer, start_viewer, stop_viewer, wait_until

pytestmark = pytest.mark.reference

T0 = 1_700_000_000.0
UNKNOWN = "20000101_000000_abcdef"


def tricky_events() -> str:
    lines = [json.dumps(metric_event(s, T0 + s, loss=1.0 / s, batch=32, stage="warmup")) for s in range(1, 4)]
    lines.append(json.dumps({"ts": T0 + 3.5, "type": "image", "data": {"key": "k", "path": "media/k.png", "step": 3}}))
    lines.append(json.dumps(metric_event(3, T0 + 3.6, val_acc=0.25)))  # merges into step 3
    lines.append(json.dumps(metric_event(6, T0 + 6, loss=0.1, stage="train")))
    lines.append(json.dumps(metric_event(5, T0 + 7, loss=0.2, stage="train")))  # out of order
    lines.append("{broken json")
    lines.append(json.dumps({"ts": T0 + 8, "type": "metrics", "data": {"step": 8, "loss": 0.05, "epoch": 2}}))
    return "\n".join(lines) + "\n"


@dataclass
class Pair:
    ours: LiveViewer
    theirs: Server
    tricky: str
    dense: str


@pytest.fixture(scope="module")
def pair(reference: Reference, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Pair]:  # noqa: F811
    work = tmp_path_factory.mktemp("metrics-compat")
    root = work / "root"
    tricky = make_run(root, "compat", "tricky", raw_events=tricky_events(), logs="10:00:00 | one\n\n10:00:01 | two\n")
    dense = make_run(root, "compat", "dense", events=[
        metric_event(s, T0 + s, loss=1.0 / s + (s % 17) / 100, acc=(s % 31) / 31) for s in range(1, 3001)
    ])
    ours = start_viewer(root, work)
    theirs: Server | None = None
    try:
        for run in (tricky, dense):
            wait_until(lambda r=run: ours.get(f"/api/runs/{r.name}").status_code == 200, timeout=20)
        theirs = reference.start_viewer(root, work)
        yield Pair(ours, theirs, tricky.name, dense.name)
    finally:
        if theirs is not None:
            theirs.process.kill()  # it only read the root; its graceful shutdown takes ~15 s
            theirs.stop()
        stop_viewer(ours)


def without_epoch(body: dict[str, Any]) -> dict[str, Any]:
    """Our answer as the reference would give it: it drops ``epoch``, we keep it (issue #19)."""
    return {**body, "columns": [c for c in body["columns"] if c != "epoch"],
            "rows": [{k: v for k, v in row.items() if k != "epoch"} for row in body["rows"]]}


HEADERS = ("X-Row-Count", "X-Total-Count", "X-Last-Step")


@pytest.mark.parametrize("which", ["tricky", "dense"])
def test_metrics_step_matches_the_reference(pair: Pair, which: str):
    path = f"/api/runs/{getattr(pair, which)}/metrics_step"
    ours, theirs = pair.ours.get(path), pair.theirs.get(path)

    assert (ours.status_code, theirs.status_code) == (200, 200)
    o, t = ours.json(), theirs.json()
    assert ("epoch" in o["columns"]) == (which == "tricky")
    o = without_epoch(o)
    assert o["columns"] == t["columns"]
    assert o["rows"] == t["rows"]
    assert (o["total"], o["sampled"]) == (t["total"], t["sampled"])
    assert {h: ours.headers[h] for h in HEADERS} == {h: theirs.headers[h] for h in HEADERS}


def test_metrics_by_time_has_the_same_rows_with_time_from_the_first_event(pair: Pair):
    ours = without_epoch(pair.ours.get(f"/api/runs/{pair.tricky}/metrics").json())
    theirs = pair.theirs.get(f"/api/runs/{pair.tricky}/metrics").json()

    first = T0 + 1  # the first event of the run
    # The step-8 event has no data.time (the reference leaves its time null); ours takes its ts.
    expected = {
        r["global_step"]: {**r, "time": (r["time"] or T0 + 8) - first} for r in theirs["rows"]
    }
    assert {r["global_step"]: r for r in ours["rows"]} == expected
    assert sorted(ours["columns"]) == sorted(theirs["columns"])
    assert [r["time"] for r in ours["rows"]] == sorted(r["time"] for r in ours["rows"])


def test_downsample_keeps_the_reference_totals_and_ends(pair: Pair):
    path = f"/api/runs/{pair.dense}/metrics_step?downsample=200"
    ours, theirs = pair.ours.get(path), pair.theirs.get(path)

    o, t = ours.json(), theirs.json()
    assert o["total"] == t["total"] == 3000
    assert ours.headers["X-Total-Count"] == theirs.headers["X-Total-Count"]
    assert ours.headers["X-Last-Step"] == theirs.headers["X-Last-Step"] == "3000"
    assert (o["rows"][0], o["rows"][-1]) == (t["rows"][0], t["rows"][-1])
    assert all(set(r) == set(o["columns"]) for r in o["rows"])
    assert len(t["rows"]) == 200
    for metric in ("loss", "acc"):
        assert 200 <= sum(r[metric] is not None for r in o["rows"]) <= 202


def test_an_unknown_run_is_the_same_404(pair: Pair):
    for endpoint in ("metrics", "metrics_step"):
        path = f"/api/runs/{UNKNOWN}/{endpoint}"
        ours, theirs = pair.ours.get(path), pair.theirs.get(path)
        expected = (404, {"detail": "Run not found"})
        assert (ours.status_code, ours.json()) == (theirs.status_code, theirs.json()) == expected


def test_cache_stats_and_health_carry_the_reference_keys(pair: Pair):
    for path, key in (("/api/metrics/cache/stats", None), ("/api/health", "cache")):
        ours, theirs = pair.ours.get(path).json(), pair.theirs.get(path).json()
        if key:
            ours, theirs = ours[key], theirs[key]
        assert set(theirs) <= set(ours), path
        assert {k: type(v) for k, v in theirs.items()} == {k: type(ours[k]) for k in theirs}, path


def ws_messages(url: str, count: int) -> list[str]:
    with connect(url, open_timeout=10) as ws:
        return [str(ws.recv(timeout=10)) for _ in range(count)]


def test_the_logs_websocket_sends_the_same_frames(pair: Pair):
    path = f"/api/runs/{pair.tricky}/logs/ws"
    ours = ws_messages(pair.ours.url.replace("http", "ws") + path, 2)
    theirs = ws_messages(pair.theirs.url.replace("http", "ws") + path, 2)

    assert ours == theirs == ["10:00:00 | one", "10:00:01 | two"]


def test_the_logs_websocket_refuses_an_unknown_run_the_same_way(pair: Pair):
    for base in (pair.ours.url, pair.theirs.url):
        with connect(base.replace("http", "ws") + f"/api/runs/{UNKNOWN}/logs/ws", open_timeout=10) as ws:
            assert ws.recv(timeout=10) == "[error] run not found"
            with pytest.raises(ConnectionClosed):
                ws.recv(timeout=10)
