"""GET /api/runs/{run_id}/metrics_step: one row per global_step, from hand-made events files."""

from __future__ import annotations

import pytest

from tests.factories import metric_event

pytestmark = pytest.mark.django_db

T0 = 1_700_000_000.0


def test_it_returns_rows_by_step_with_columns_and_headers(api, indexed_run):
    run = indexed_run(events=[
        metric_event(1, T0, loss=0.9, stage="warmup"),
        metric_event(2, T0 + 1, loss=0.7, acc=0.5, stage="train"),
        metric_event(3, T0 + 2, loss=0.5, stage="train"),
    ])

    resp = api.get(f"/api/runs/{run.name}/metrics_step")

    assert resp.status_code == 200
    body = resp.json()
    assert body["columns"] == ["global_step", "acc", "loss", "stage", "time"]
    assert body["rows"] == [
        {"global_step": 1, "acc": None, "loss": 0.9, "stage": "warmup", "time": T0},
        {"global_step": 2, "acc": 0.5, "loss": 0.7, "stage": "train", "time": T0 + 1},
        {"global_step": 3, "acc": None, "loss": 0.5, "stage": "train", "time": T0 + 2},
    ]
    # Every row carries every column, null where it has no value, as the reference's rows do.
    assert all(list(row) == body["columns"] for row in body["rows"])
    assert body["total"] == 3 and body["sampled"] == 3
    assert resp["X-Row-Count"] == "3"
    assert resp["X-Total-Count"] == "3"
    assert resp["X-Last-Step"] == "3"


def test_events_at_one_step_merge_into_one_row_the_later_value_winning(api, indexed_run):
    run = indexed_run(events=[
        metric_event(1, T0, loss=1.0),
        metric_event(2, T0 + 1, loss=0.8),
        metric_event(2, T0 + 2, val_acc=0.4),
        metric_event(2, T0 + 3, loss=0.75),
    ])

    body = api.get(f"/api/runs/{run.name}/metrics_step").json()

    assert [r["global_step"] for r in body["rows"]] == [1, 2]
    assert body["rows"][1] == {"global_step": 2, "loss": 0.75, "val_acc": 0.4, "time": T0 + 3}


def test_rows_are_sorted_by_step_even_when_logged_out_of_order(api, indexed_run):
    run = indexed_run(events=[metric_event(s, T0 + i, x=float(s)) for i, s in enumerate([5, 1, 3, 2, 4])])

    rows = api.get(f"/api/runs/{run.name}/metrics_step").json()["rows"]

    assert [r["global_step"] for r in rows] == [1, 2, 3, 4, 5]
    assert [r["x"] for r in rows] == [1.0, 2.0, 3.0, 4.0, 5.0]


def test_integers_stay_integers_and_non_finite_values_are_absent(api, indexed_run):
    run = indexed_run(raw_events=(
        '{"ts": 1.0, "type": "metrics", "data": {"global_step": 1, "batch": 32, "loss": NaN, "epoch": 3}}\n'
        '{"ts": 2.0, "type": "metrics", "data": {"global_step": 2, "batch": 64, "loss": Infinity}}\n'
    ))

    body = api.get(f"/api/runs/{run.name}/metrics_step").json()

    assert body["rows"] == [{"global_step": 1, "batch": 32, "loss": None, "epoch": 3},
                            {"global_step": 2, "batch": 64, "loss": None, "epoch": None}]
    assert isinstance(body["rows"][0]["batch"], int)
    # epoch is a metric column of its own (the reference dropped it): a chart, and an x axis.
    assert "epoch" in body["columns"] and "step" not in body["columns"]


def test_broken_lines_and_unknown_events_are_skipped_and_counted(api, indexed_run):
    run = indexed_run(raw_events=(
        '{"ts": 1.0, "type": "metrics", "data": {"global_step": 1, "loss": 1.0}}\n'
        'this is not json\n'
        '{"ts": 1.5, "type": "image", "data": {"key": "x", "path": "media/x.png", "step": 1}}\n'
        '{"ts": 1.6, "type": "mystery", "data": {}}\n'
        '[1, 2, 3]\n'
        '{"ts": 1.7, "type": "metrics", "data": {"loss": 5.0}}\n'
        '{"ts": 2.0, "type": "metrics", "data": {"step": 2, "loss": 0.5}}\n'
        '{"ts": 3.0, "type": "metrics", "data": {"global_step": 3, "lo'  # half-written last line
    ))

    resp = api.get(f"/api/runs/{run.name}/metrics_step")

    assert resp.status_code == 200
    assert resp.json()["rows"] == [{"global_step": 1, "loss": 1.0}, {"global_step": 2, "loss": 0.5}]
    assert resp["X-Skipped-Lines"] == "4"  # the broken line, the mystery type, the array, the stepless event


def test_a_run_without_events_has_no_rows(api, indexed_run):
    run = indexed_run()

    resp = api.get(f"/api/runs/{run.name}/metrics_step")

    assert resp.status_code == 200
    assert resp.json() == {"columns": [], "rows": [], "total": 0, "sampled": 0}
    assert "X-Last-Step" not in resp


@pytest.mark.parametrize("run_id", ["20250101_000000_abcdef", "not-a-run-id", "..", "20250101_000000_ABCDEF"])
def test_an_unknown_or_invalid_run_is_404(api, storage_root, run_id):
    resp = api.get(f"/api/runs/{run_id}/metrics_step")

    assert resp.status_code == 404
    assert resp.json() == {"detail": "Run not found"}


def test_a_soft_deleted_run_is_404(api, indexed_run, reindex):
    run = indexed_run(events=[metric_event(1, T0, loss=1.0)], deleted={"deleted_at": T0, "reason": "user"})
    reindex()

    assert api.get(f"/api/runs/{run.name}/metrics_step").status_code == 404


@pytest.mark.parametrize("value", ["99", "50001", "abc", "1.5", "", "-200", "9" * 5000])
def test_downsample_out_of_range_or_not_an_integer_is_400(api, indexed_run, value):
    run = indexed_run(events=[metric_event(1, T0, loss=1.0)])

    resp = api.get(f"/api/runs/{run.name}/metrics_step", {"downsample": value})

    assert resp.status_code == 400
    assert "between 100 and 50000" in resp.json()["detail"]


def test_downsample_reduces_each_metric_to_about_n_points(api, indexed_run):
    run = indexed_run(events=[metric_event(s, T0 + s, loss=1.0 / s, acc=(s % 7) / 7) for s in range(1, 3001)])

    resp = api.get(f"/api/runs/{run.name}/metrics_step", {"downsample": 200})

    body = resp.json()
    assert body["total"] == 3000
    assert body["sampled"] == len(body["rows"]) == int(resp["X-Row-Count"])
    for metric in ("loss", "acc"):
        points = [r for r in body["rows"] if r[metric] is not None]
        assert 200 <= len(points) <= 202
        assert points[0]["global_step"] == 1 and points[-1]["global_step"] == 3000
    assert resp["X-Last-Step"] == "3000"
    steps = [r["global_step"] for r in body["rows"]]
    assert steps == sorted(steps)


def test_a_sparse_metric_keeps_its_points_next_to_a_dense_one(api, indexed_run):
    events = [metric_event(s, T0 + s, loss=1.0 / s) for s in range(1, 10001)]
    events += [metric_event(s, T0 + s + 0.5, val_acc=s / 10000) for s in range(50, 10001, 50)]
    run = indexed_run(events=events)

    body = api.get(f"/api/runs/{run.name}/metrics_step", {"downsample": 500}).json()

    val = [r["global_step"] for r in body["rows"] if r["val_acc"] is not None]
    assert val == list(range(50, 10001, 50))  # 200 points < 500: every one of them survives
    assert 500 <= sum(r["loss"] is not None for r in body["rows"]) <= 502


def test_no_downsample_when_the_run_is_smaller_than_the_target(api, indexed_run):
    run = indexed_run(events=[metric_event(s, T0 + s, loss=float(s)) for s in range(1, 51)])

    body = api.get(f"/api/runs/{run.name}/metrics_step", {"downsample": 100}).json()

    assert body["total"] == body["sampled"] == len(body["rows"]) == 50
