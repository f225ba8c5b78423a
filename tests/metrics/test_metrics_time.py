"""GET /api/runs/{run_id}/metrics: rows by time, ``time`` in seconds since the run's first event."""

from __future__ import annotations

import pytest

from tests.factories import metric_event

pytestmark = pytest.mark.django_db

T0 = 1_700_000_000.0


def test_time_is_relative_to_the_first_event_and_rows_follow_it(api, indexed_run):
    run = indexed_run(raw_events=(
        '{"ts": 1700000000.0, "type": "image", "data": {"key": "x", "path": "media/x.png", "step": 0}}\n'
        '{"ts": 1700000002.5, "type": "metrics", "data": {"global_step": 1, "time": 1700000002.5, "loss": 1.0}}\n'
        '{"ts": 1700000004.0, "type": "metrics", "data": {"global_step": 2, "time": 1700000004.0, "loss": 0.5,'
        ' "stage": "train"}}\n'
    ))

    resp = api.get(f"/api/runs/{run.name}/metrics")

    body = resp.json()
    assert body["columns"] == ["time", "global_step", "loss", "stage"]
    assert body["rows"] == [
        {"time": 2.5, "global_step": 1, "loss": 1.0, "stage": None},
        {"time": 4.0, "global_step": 2, "loss": 0.5, "stage": "train"},
    ]
    assert (body["total"], body["sampled"]) == (2, 2)
    assert (resp["X-Row-Count"], resp["X-Total-Count"], resp["X-Last-Step"]) == ("2", "2", "2")


def test_rows_are_ordered_by_time_when_steps_went_back(api, indexed_run):
    # A second phase restarted its step counter: by step it would interleave, by time it follows on.
    events = [metric_event(s, T0 + s, loss=1.0) for s in range(1, 4)]
    events += [metric_event(s, T0 + 10 + s, acc=0.5) for s in (10, 11)]
    events += [metric_event(s, T0 + 20 + s, val=0.1) for s in (4, 5)]
    run = indexed_run(events=events)

    rows = api.get(f"/api/runs/{run.name}/metrics").json()["rows"]

    assert [r["global_step"] for r in rows] == [1, 2, 3, 10, 11, 4, 5]
    assert [r["time"] for r in rows] == sorted(r["time"] for r in rows)


def test_downsample_by_time_keeps_first_last_and_each_metric(api, indexed_run):
    run = indexed_run(events=[metric_event(s, T0 + s * 0.5, loss=1.0 / s) for s in range(1, 5001)])

    resp = api.get(f"/api/runs/{run.name}/metrics", {"downsample": 300})

    rows = resp.json()["rows"]
    assert 300 <= len(rows) <= 302
    assert rows[0] == {"time": 0.0, "global_step": 1, "loss": 1.0}
    assert rows[-1]["global_step"] == 5000 and rows[-1]["time"] == pytest.approx(2499.5)


def test_an_unknown_run_is_404(api, storage_root):
    resp = api.get("/api/runs/20250101_000000_abcdef/metrics")

    assert resp.status_code == 404 and resp.json() == {"detail": "Run not found"}


def test_only_get_is_allowed(api, indexed_run):
    run = indexed_run(events=[metric_event(1, T0, loss=1.0)])

    assert api.post(f"/api/runs/{run.name}/metrics").status_code == 405
